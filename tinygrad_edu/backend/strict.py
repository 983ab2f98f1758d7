"""The test-only "strict" device: NumPy underneath, but arrays refuse implicit conversion to NumPy.

Why: CuPy arrays raise TypeError when NumPy tries to convert them, so an op that calls `np.` instead
of `xp.` breaks on the GPU. No GPU is needed to find such bugs: running the op suite on this device
fails in the same way. `__array_ufunc__ = None` also makes NumPy ufuncs refuse these arrays.
"""

import operator
import types

import numpy as np

from .registry import register_backend


def _unwrap(value):
    if type(value) is StrictArray:
        return value._a
    if type(value) in (tuple, list):
        return type(value)(_unwrap(v) for v in value)
    return value


def _refuse_host(values) -> None:
    """CuPy will not mix its arrays with NumPy arrays in one operation; neither does this backend."""
    for v in values:
        if type(v) is np.ndarray or type(v) in (tuple, list) and any(type(u) is np.ndarray for u in v):
            raise TypeError(
                "strict backend: a NumPy array was mixed into a device operation (CuPy refuses this)"
            )


def _wrap(value):
    if isinstance(value, (np.ndarray, np.generic)):
        return StrictArray(np.asarray(value))
    if type(value) is tuple:
        return tuple(_wrap(v) for v in value)
    return value


class StrictArray:
    """A NumPy array in a box: same methods and operators, but `np.asarray(x)` raises TypeError."""

    __slots__ = ("_a",)
    __array_ufunc__ = None

    def __init__(self, array: np.ndarray):
        self._a = array

    def __array__(self, *args, **kwargs):
        raise TypeError(
            "strict backend: implicit conversion to a NumPy array is not allowed (CuPy refuses it too); "
            "use the op's `xp` namespace, or backend.to_host() for an explicit copy"
        )

    def __getattr__(self, name):
        if name.startswith("__"):  # keep NumPy from finding __array_interface__ and friends
            raise AttributeError(name)
        attr = getattr(self._a, name)
        if callable(attr):
            return lambda *args, **kwargs: _wrap(attr(*_unwrap(args), **_unwrap(kwargs)))
        return _wrap(attr)

    def __getitem__(self, key):
        return _wrap(self._a[_unwrap(key)])

    def __setitem__(self, key, value):
        self._a[_unwrap(key)] = _unwrap(value)

    def __len__(self):
        return len(self._a)

    def __bool__(self):
        return bool(self._a)

    def __float__(self):
        return float(self._a)

    def __int__(self):
        return int(self._a)

    def __index__(self):
        return operator.index(self._a)

    def __repr__(self):
        return f"StrictArray({self._a!r})"


def _binary(fn):
    def method(self, other):
        _refuse_host((other,))
        return _wrap(fn(self._a, _unwrap(other)))

    return method


def _reflected(fn):
    def method(self, other):
        _refuse_host((other,))
        return _wrap(fn(_unwrap(other), self._a))

    return method


def _inplace(fn):
    def method(self, other):
        self._a = fn(self._a, _unwrap(other))
        return self

    return method


for _name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and", "or", "xor"):
    _suffix = "_" if _name in ("and", "or") else ""
    _fn = getattr(operator, _name + _suffix)
    setattr(StrictArray, f"__{_name}__", _binary(_fn))
    setattr(StrictArray, f"__r{_name}__", _reflected(_fn))
    setattr(StrictArray, f"__i{_name}__", _inplace(getattr(operator, "i" + _name)))
for _name in ("lt", "le", "gt", "ge", "eq", "ne"):
    setattr(StrictArray, f"__{_name}__", _binary(getattr(operator, _name)))
for _name in ("neg", "pos", "abs", "invert"):
    setattr(
        StrictArray, f"__{_name}__", (lambda fn: lambda self: _wrap(fn(self._a)))(getattr(operator, _name))
    )
StrictArray.__hash__ = None  # type: ignore[assignment]  # unhashable, as NumPy arrays are


_HOST_TRANSFERS = (np.asarray, np.array)


class _StrictFunction:
    """A NumPy function or ufunc that unwraps its arguments and wraps its results (keeps `.at`)."""

    __slots__ = ("_fn",)

    def __init__(self, fn):
        self._fn = fn

    def __call__(self, *args, **kwargs):
        if self._fn not in _HOST_TRANSFERS:
            _refuse_host(args)
            _refuse_host(kwargs.values())
        return _wrap(self._fn(*_unwrap(args), **{k: _unwrap(v) for k, v in kwargs.items()}))  # out= too

    def __getattr__(self, name):
        return _StrictFunction(getattr(self._fn, name))


def _namespace(module) -> types.ModuleType:
    """A module-like namespace mirroring `module`, whose functions speak StrictArray."""
    ns = types.ModuleType(f"strict_{module.__name__}")

    def lookup(name):
        attr = getattr(module, name)
        if isinstance(attr, types.ModuleType):
            wrapped = _namespace(attr)
        elif callable(attr) and not isinstance(attr, type):
            wrapped = _StrictFunction(attr)
        else:
            wrapped = attr
        setattr(ns, name, wrapped)
        return wrapped

    ns.__getattr__ = lookup  # type: ignore[method-assign]  # PEP 562: names resolve lazily
    return ns


xp = _namespace(np)


def register() -> None:
    register_backend(
        "strict", xp, StrictArray, to_host=lambda a: a._a.copy(), from_host=lambda a: StrictArray(np.array(a))
    )
