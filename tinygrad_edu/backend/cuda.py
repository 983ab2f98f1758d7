"""The "cuda" device: CuPy arrays, CuPy as `xp` (optional: `pip install tinygrad_edu[gpu]`).

CuPy is imported only when a cuda tensor is first made, so machines without a GPU never pay for it.
"""
import importlib

from .registry import register_backend

CUDA_INSTALL_HINT = "pip install tinygrad_edu[gpu]"


def register() -> None:
    try:
        import cupy
    except ImportError as err:
        raise RuntimeError(f"device 'cuda' needs CuPy, which is not installed: {CUDA_INSTALL_HINT}") from err
    register_backend("cuda", cupy, cupy.ndarray, cupy.asnumpy, cupy.asarray,
                     special=lambda: importlib.import_module("cupyx.scipy.special"))
