"""The "cuda" device: CuPy arrays, CuPy as `xp` (optional: `pip install tinygrad_edu[gpu]`).

CuPy is imported only when a cuda tensor is first made, so machines without a GPU never pay for it.
"""
import importlib
import importlib.util

from .registry import register_backend

CUDA_INSTALL_HINT = "pip install tinygrad_edu[gpu]"


def register() -> None:
    try:
        import cupy
    except ImportError as err:
        raise RuntimeError(f"device 'cuda' needs CuPy, which is not installed: {CUDA_INSTALL_HINT}") from err
    register_backend("cuda", cupy, cupy.ndarray, cupy.asnumpy, cupy.asarray,
                     special=lambda: importlib.import_module("cupyx.scipy.special"))


def device_count() -> int:
    """How many GPUs CuPy sees (0 without CuPy, a driver or a GPU), asked without making a tensor."""
    if importlib.util.find_spec("cupy") is None:
        return 0
    try:
        import cupy

        return int(cupy.cuda.runtime.getDeviceCount())
    except (ImportError, RuntimeError, OSError):  # CuPy without a usable CUDA driver or GPU
        return 0


def available() -> bool:
    """True where CuPy is installed and sees a GPU (tests and benchmarks ask this)."""
    return device_count() > 0
