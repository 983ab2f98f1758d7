"""The "cuda" device: CuPy arrays, CuPy as `xp` (optional: `pip install tinygrad_edu[gpu]`).

CuPy is imported only when a cuda tensor is first made, so machines without a GPU never pay for it.
"""
import importlib.util

from .registry import register_backend

CUDA_INSTALL_HINT = "pip install tinygrad_edu[gpu]"


def register() -> None:
    try:
        import cupy
    except ImportError as err:
        raise RuntimeError(f"device 'cuda' needs CuPy, which is not installed: {CUDA_INSTALL_HINT}") from err
    register_backend("cuda", cupy, cupy.ndarray, cupy.asnumpy, cupy.asarray)


def available() -> bool:
    """True where CuPy is installed and sees a GPU (asked without making a tensor: tests, benchmarks)."""
    if importlib.util.find_spec("cupy") is None:
        return False
    import cupy

    try:
        return cupy.cuda.runtime.getDeviceCount() > 0
    except cupy.cuda.runtime.CUDARuntimeError:
        return False
