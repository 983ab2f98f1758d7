"""Argument normalization shared by every Tensor method: `dim=`/`axis=`, shapes, keepdim.

Why one place: PyTorch accepts `x.sum(1)`, `x.sum(dim=(0, 1))`, NumPy users write `axis=`, shapes come
as `f(2, 3)` or `f((2, 3))`. Each is turned into one plain form here, and a wrong argument is reported
naming the function that received it.
"""
import math
import numbers
import operator
from typing import Any

from ..errors import ShapeError


def axes(dim, ndim: int, where: str) -> tuple | None:
    """Normalize `dim` (None, int or sequence) to None or a sorted tuple of non-negative axes."""
    if type(dim) is int and -ndim <= dim < ndim:  # the common case, kept cheap
        return (dim % ndim,)
    if dim is None:
        return None
    dims = ints((dim,) if isinstance(dim, numbers.Integral) else dim, where, "dim", dim)
    if ndim == 0 and dims in ((), (0,), (-1,)):
        return None
    out = []
    for d in dims:
        if not -ndim <= d < ndim:
            raise IndexError(f"{where}: dim {d} is out of range for a tensor with {ndim} dimensions")
        out.append(d % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"{where}: dim {dim} names an axis twice")
    return tuple(sorted(out))


def ints(values, where: str, what: str, given=None) -> tuple:
    """A sequence of ints as a tuple; a float, a string or anything else is named in the error (rather
    than failing later with "'float' object is not iterable"). `given` is what the user passed."""
    try:
        return tuple(operator.index(v) for v in values)
    except TypeError:
        given = values if given is None else given
        raise TypeError(f"{where}: {what} must be an int or a sequence of ints, got {given!r}") from None


def int_arg(value, where: str, what: str, minimum: int = 0) -> int:
    """One integer argument (a size, a count), checked where it is given."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{where}: {what} must be an int, got {value!r} ({type(value).__name__})")
    if value < minimum:
        raise ValueError(f"{where}: {what} must be at least {minimum}, got {value}")
    return int(value)


def one_axis(dim, ndim: int, where: str) -> int:
    found = axes(dim, max(ndim, 1), where)
    if found is None or len(found) != 1:
        raise TypeError(f"{where}: expected one dim (an int), got {dim!r}")
    return found[0]


def dim_or_axis(dim, axis, where: str, default=None) -> Any:
    """Accept PyTorch's `dim=` or NumPy's `axis=` (not both); `default` when neither is given.
    (Signatures say `dim=None` so that a default dim is never mistaken for one the caller passed.)"""
    if axis is None:
        return default if dim is None else dim
    if dim is not None and dim != axis:
        raise TypeError(f"{where}: got both dim={dim} and axis={axis}; pass one")
    return axis


def keep(keepdim: bool, keepdims) -> bool:
    """PyTorch's `keepdim=` or NumPy's `keepdims=`."""
    return bool(keepdim if keepdims is None else keepdims)


def shape_arg(shape: tuple, where: str, infer: bool = False) -> tuple:
    """Shapes may be passed as f(2, 3) or f((2, 3)); every size must be an int >= 0, or -1 where `infer`
    (reshape, view, expand: that size is worked out from the others)."""
    shape = ints_arg(shape, where, "shape")
    lowest = -1 if infer else 0
    bad = [s for s in shape if s < lowest]
    if bad:
        rule = "only -1 (worked out from the others) may be negative" if infer else "sizes must be >= 0"
        raise ShapeError(f"{where}: invalid size {bad[0]} in shape {shape}: {rule}")
    return shape


def ints_arg(args: tuple, where: str, what: str) -> tuple:
    """Ints passed as f(2, 3) or as f((2, 3)), as one tuple."""
    if all(type(a) is int for a in args):
        return tuple(args)
    given = args[0] if len(args) == 1 and not isinstance(args[0], numbers.Integral) else args
    return ints((given,) if isinstance(given, numbers.Integral) else given, where, what, given)


def resolve_shape(shape: tuple, size: int, old: tuple, where: str) -> tuple:
    """Fill in one -1 and check the element count."""
    if shape.count(-1) > 1:
        raise ShapeError(f"{where}: only one dimension can be -1, got {shape}")
    if -1 in shape:
        known = math.prod(s for s in shape if s != -1)
        if known == 0 or size % known:
            raise ShapeError(f"{where}: cannot reshape {old} ({size} elements) into {shape}")
        shape = tuple(size // known if s == -1 else s for s in shape)
    if math.prod(shape) != size:
        raise ShapeError(f"{where}: cannot reshape {old} ({size} elements) into {shape}")
    return shape
