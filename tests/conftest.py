"""Shared test settings: a modest hypothesis profile (the whole suite must stay fast) and fixtures."""
import importlib.util

import pytest
from hypothesis import settings

settings.register_profile("project", max_examples=30, deadline=None, print_blob=True)
settings.load_profile("project")


def _gpu_present() -> bool:
    """True where CuPy is installed and sees a GPU: then the device-parametrized suite also runs on cuda."""
    if importlib.util.find_spec("cupy") is None:
        return False
    import cupy

    try:
        return cupy.cuda.runtime.getDeviceCount() > 0
    except cupy.cuda.runtime.CUDARuntimeError:
        return False


DEVICES = ["cpu", "strict"] + (["cuda"] if _gpu_present() else [])


@pytest.fixture(params=DEVICES, scope="session")
def device(request):
    """Run a test on NumPy, on the strict backend (whose arrays refuse implicit NumPy conversion, like
    CuPy's) and, where a GPU and CuPy are present, on cuda."""
    return request.param
