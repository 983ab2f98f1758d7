"""PyTorch-style teaching programs (tests/torch_programs/, each a script that does `import torch`) run
unchanged twice: on PyTorch, and on tinygrad_edu standing in as `torch` (tinygrad_edu.as_torch); the
losses each records must agree, and what is random (sampled names and text) must be well formed."""
import runpy
from pathlib import Path

import numpy as np
import pytest

import tinygrad_edu
from tinygrad_edu.as_torch import as_torch

torch = pytest.importorskip("torch")
PROGRAMS = Path(__file__).parent / "torch_programs"


def run(name: str, engine: str) -> dict:
    """Run one program to the end on `engine` and return its globals (restoring the default dtypes
    that a program may set)."""
    saved = torch.get_default_dtype(), tinygrad_edu.get_default_dtype()
    path = str(PROGRAMS / name)
    try:
        if engine == "torch":
            return runpy.run_path(path, run_name="__main__")
        with as_torch():
            found = runpy.run_path(path, run_name="__main__")
        assert found["torch"] is tinygrad_edu
        return found
    finally:
        torch.set_default_dtype(saved[0])
        tinygrad_edu.set_default_dtype(saved[1])


def both(name: str, rtol: float = 1e-4) -> tuple:
    theirs, ours = run(name, "torch"), run(name, "tinygrad_edu")
    np.testing.assert_allclose(ours["LOSSES"], theirs["LOSSES"], rtol=rtol)
    assert ours["LOSSES"][-1] < ours["LOSSES"][0]
    return theirs, ours


def test_polynomial_fit_with_raw_tensors_and_autograd():
    both("polynomial_autograd.py")


def test_custom_autograd_function():
    theirs, ours = both("custom_function.py")
    assert all(theirs["GRADCHECK"]) and all(ours["GRADCHECK"])


def test_module_and_optimizer_with_device_handling():
    theirs, ours = both("module_optimizer_device.py")
    assert ours["ACCURACY"] == theirs["ACCURACY"] and str(ours["device"]) == "cpu"


def test_dataloader_with_sampler_workers_and_collate_fn():
    theirs, ours = both("dataloader_sampler.py")
    assert ours["EVAL_LOSS"] == pytest.approx(theirs["EVAL_LOSS"], rel=1e-4)


def test_character_model_sampling_with_multinomial():
    theirs, ours = both("char_bigram.py")
    alphabet = set(ours["chars"])
    for result in (theirs, ours):
        assert len(result["NAMES"]) == 5 and all(set(name) <= alphabet for name in result["NAMES"])


def test_tiny_gpt_with_tril_masks():
    theirs, ours = both("tiny_gpt.py", rtol=1e-9)
    assert ours["VAL_LOSS"] == pytest.approx(theirs["VAL_LOSS"], rel=1e-9)
    for result in (theirs, ours):
        assert len(result["SAMPLE"]) == 21 and set(result["SAMPLE"]) <= set(result["chars"])
