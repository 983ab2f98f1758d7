"""Backends: one array module (`xp`) per device. "cpu" is NumPy, "cuda" is CuPy (loaded on first use),
"strict" is a test-only NumPy wrapper whose arrays refuse implicit conversion to NumPy, as CuPy's do."""
from . import allocator, cpu, cuda, strict
from .cuda import CUDA_INSTALL_HINT
from .registry import (
    DEVICE_BY_TYPE,
    DEVICES,
    XP_BY_TYPE,
    device_of,
    normalize_device,
    register_backend,
    register_loader,
    special_functions,
    to_device,
    to_host,
    xp_for,
    xp_of,
)

cpu.register()
allocator.keep_freed_memory()
register_loader("cuda", cuda.register)
register_loader("strict", strict.register)

__all__ = [
    "CUDA_INSTALL_HINT", "DEVICES", "DEVICE_BY_TYPE", "XP_BY_TYPE", "device_of", "normalize_device",
    "register_backend", "register_loader", "special_functions", "to_device", "to_host", "xp_for", "xp_of",
]
