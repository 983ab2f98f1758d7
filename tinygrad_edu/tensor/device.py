"""Device objects as in PyTorch (`device("cuda:0")`, `.type`, `.index`) and the default device.

Why a `str` subclass: everything in tinygrad_edu that takes a device takes its name ("cpu", "cuda"), and
a tensor's `.device` was a name before it was an object; so a device object is its name with PyTorch's
attributes on top, and `x.device == "cpu"` keeps working (PyTorch would say False there).
"""
from .. import backend


class device(str):
    """torch.device: `device("cuda")`, `device("cuda:0")`, `device("cuda", 0)`; `with device("cuda"):`
    makes it the default for new tensors inside the block."""

    __slots__ = ()

    def __new__(cls, type, index=None):
        if isinstance(type, device) and index is None:
            return type
        base, colon, number = str(type).partition(":")
        backend.normalize_device(base)  # a clear error for unknown device names
        if colon:
            if index is not None or not number.isdigit():
                raise ValueError(f"device: expected 'type' or 'type:index' such as 'cuda:0', got {type!r}")
            index = int(number)
        if index is not None and (not isinstance(index, int) or index < 0):
            raise ValueError(f"device: index must be a non-negative int, got {index!r}")
        return super().__new__(cls, base if index is None else f"{base}:{index}")

    @property
    def type(self) -> str:
        return self.partition(":")[0]

    @property
    def index(self):
        number = self.partition(":")[2]
        return int(number) if number else None

    def __repr__(self):
        index = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{index})"

    def __enter__(self):
        _previous_defaults.append(default)
        set_default_device(self)
        return self

    def __exit__(self, *exc):
        set_default_device(_previous_defaults.pop())


_BY_NAME: dict = {}
default = None  # the name of the device new tensors go to (None: "cpu"), set by set_default_device
_previous_defaults: list = []  # for `with device(...)`: device objects are strings, they hold no state


def of_array(array) -> device:
    """The device object of a backend array (one cached object per device)."""
    name = backend.device_of(array)
    found = _BY_NAME.get(name)
    if found is None:
        found = _BY_NAME[name] = device(name)
    return found


def set_default_device(where) -> None:
    """torch.set_default_device: creation functions and `tensor(...)` put new tensors on `where`
    (None or "cpu" go back to host memory)."""
    global default
    name = None if where is None else backend.normalize_device(where)
    if name is not None:
        backend.xp_for(name)  # fail now (e.g. no CuPy) rather than at the first tensor
    default = None if name == "cpu" else name


def get_default_device() -> device:
    return device(default or "cpu")

