"""Backends: the array module (`xp`) that holds a tensor's data on each device.

"cpu" is NumPy, "cuda" is CuPy (optional, `pip install tinygrad_edu[gpu]`), and "strict" is a test-only
NumPy wrapper whose arrays refuse implicit conversion to NumPy, as CuPy's do. Ops find `xp` from the
type of their input arrays, so the same op code runs on every device.
"""

import numpy as np

CUDA_INSTALL_HINT = "pip install tinygrad_edu[gpu]"
DEVICES = ("cpu", "cuda", "strict")

XP_BY_TYPE = {np.ndarray: np}
DEVICE_BY_TYPE = {np.ndarray: "cpu"}
_XP_BY_DEVICE = {"cpu": np}
_TO_HOST = {"cpu": lambda a: a}
_FROM_HOST = {"cpu": lambda a: a}


def register_backend(device: str, xp, array_type, to_host, from_host) -> None:
    """Make `device` usable: `xp` is its array module, `to_host`/`from_host` convert to/from NumPy."""
    XP_BY_TYPE[array_type] = xp
    DEVICE_BY_TYPE[array_type] = device
    _XP_BY_DEVICE[device] = xp
    _TO_HOST[device] = to_host
    _FROM_HOST[device] = from_host


def normalize_device(device) -> str:
    """Accept "cpu", "cuda", "cuda:0", "strict" (and objects whose str() is one of those)."""
    name = str(device)
    base = name.split(":", 1)[0]
    if base not in DEVICES:
        raise ValueError(f"unknown device {device!r}: expected one of {', '.join(DEVICES)}")
    return base


def _load(device: str) -> None:
    if device == "cuda":
        try:
            import cupy
        except ImportError as err:
            raise RuntimeError(
                f"device 'cuda' needs CuPy, which is not installed: {CUDA_INSTALL_HINT}"
            ) from err
        register_backend("cuda", cupy, cupy.ndarray, cupy.asnumpy, cupy.asarray)
    elif device == "strict":
        from . import backend_strict

        backend_strict.register()


def xp_for(device) -> object:
    """The array module for a device name, loading CuPy or the strict backend on first use."""
    device = normalize_device(device)
    if device not in _XP_BY_DEVICE:
        _load(device)
    return _XP_BY_DEVICE[device]


def xp_of(array):
    """The array module that owns `array` (numpy, cupy or the strict namespace)."""
    try:
        return XP_BY_TYPE[type(array)]
    except KeyError:
        raise TypeError(f"expected an array of a known device, got {type(array).__name__}") from None


def device_of(array) -> str:
    return DEVICE_BY_TYPE[type(array)]


def to_host(array) -> np.ndarray:
    """A NumPy copy/view of any backend's array (the one explicit device-to-host transfer)."""
    if isinstance(array, np.generic):  # NumPy turns 0-d results into scalars
        return np.asarray(array)
    return _TO_HOST[device_of(array)](array)


def to_device(array, device) -> object:
    """Move `array` to `device` explicitly, through host memory when the devices differ."""
    device = normalize_device(device)
    xp_for(device)
    source = device_of(array)
    if source == device:
        return array
    return _FROM_HOST[device](_TO_HOST[source](array))
