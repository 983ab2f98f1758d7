"""Shared test settings: a modest hypothesis profile (the whole suite must stay fast) and fixtures."""
import pytest
from devices import DEVICES
from hypothesis import settings

# PyTorch-style scripts that test_torch_programs.py runs itself (importing one runs it)
collect_ignore_glob = ["torch_programs/*"]

settings.register_profile("project", max_examples=30, deadline=None, print_blob=True)
settings.load_profile("project")


@pytest.fixture(params=DEVICES, scope="session")
def device(request):
    """Run a test on NumPy, on the strict backend (whose arrays refuse implicit NumPy conversion, like
    CuPy's) and, where a GPU and CuPy are present, on cuda."""
    return request.param
