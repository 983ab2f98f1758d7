"""The device registry: which array module (`xp`) holds a tensor's data on each device.

Ops find `xp` from the type of their input arrays (`XP_BY_TYPE`), so the same op code runs on every
device. A device is registered once, by its own module (cpu.py, cuda.py, strict.py); devices whose
array library is optional (CuPy) register on first use through a loader.
"""
from typing import Any, Callable

import numpy as np

DEVICES = ("cpu", "cuda", "strict")

XP_BY_TYPE: dict = {}
DEVICE_BY_TYPE: dict = {}
_XP_BY_DEVICE: dict = {}
_TO_HOST: dict = {}
_FROM_HOST: dict = {}
_LOADERS: dict = {}


def register_backend(device: str, xp, array_type: type, to_host: Callable, from_host: Callable) -> None:
    """Make `device` usable: `xp` is its array module, `to_host`/`from_host` convert to/from NumPy."""
    XP_BY_TYPE[array_type] = xp
    DEVICE_BY_TYPE[array_type] = device
    _XP_BY_DEVICE[device] = xp
    _TO_HOST[device] = to_host
    _FROM_HOST[device] = from_host


def register_loader(device: str, load: Callable[[], None]) -> None:
    """`load()` registers `device` the first time it is asked for (e.g. importing CuPy)."""
    _LOADERS[device] = load


def normalize_device(device) -> str:
    """Accept "cpu", "cuda", "cuda:0", "strict" (and objects whose str() is one of those)."""
    name = str(device)
    base = name.split(":", 1)[0]
    if base not in DEVICES:
        raise ValueError(f"unknown device {device!r}: expected one of {', '.join(DEVICES)}")
    return base


def xp_for(device) -> Any:
    """The array module for a device name, loading its library on first use."""
    device = normalize_device(device)
    if device not in _XP_BY_DEVICE:
        _LOADERS[device]()
    return _XP_BY_DEVICE[device]


def xp_of(array) -> Any:
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


def to_device(array, device) -> Any:
    """Move `array` to `device` explicitly, through host memory when the devices differ."""
    device = normalize_device(device)
    xp_for(device)
    source = device_of(array)
    if source == device:
        return array
    return _FROM_HOST[device](_TO_HOST[source](array))
