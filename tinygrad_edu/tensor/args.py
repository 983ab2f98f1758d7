"""Argument normalization shared by every Tensor method: `dim=`/`axis=`, shapes, keepdim.

Why one place: PyTorch accepts `x.sum(1)`, `x.sum(dim=(0, 1))`, NumPy users write `axis=`, shapes come
as `f(2, 3)` or `f((2, 3))`. Each is turned into one plain form here, and a wrong argument is reported
naming the function that received it.
"""
import math
import numbers
import operator
from typing import Any


def axes(dim, ndim: int, where: str) -> tuple | None:
    """Normalize `dim` (None, int or sequence) to None or a sorted tuple of non-negative axes."""
    if type(dim) is int and -ndim <= dim < ndim:  # the common case, kept cheap
        return (dim % ndim,)
    if dim is None or ndim == 0 and dim in (0, -1, (), (0,), (-1,)):
        return None
    dims = (dim,) if isinstance(dim, numbers.Integral) else tuple(dim)
    out = []
    for d in dims:
        d = operator.index(d)
        if not -ndim <= d < ndim:
            raise IndexError(f"{where}: dim {d} is out of range for a tensor with {ndim} dimensions")
        out.append(d % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"{where}: dim {dim} names an axis twice")
    return tuple(sorted(out))


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


def shape_arg(shape: tuple, where: str) -> tuple:
    """Shapes may be passed as f(2, 3) or f((2, 3))."""
    if len(shape) == 1 and not isinstance(shape[0], numbers.Integral):
        shape = tuple(shape[0])
    if all(type(s) is int for s in shape):
        return tuple(shape)
    try:
        return tuple(operator.index(s) for s in shape)
    except TypeError:
        raise TypeError(f"{where}: expected a shape of ints, got {shape!r}") from None


def resolve_shape(shape: tuple, size: int, old: tuple, where: str) -> tuple:
    """Fill in one -1 and check the element count."""
    if shape.count(-1) > 1:
        raise ValueError(f"{where}: only one dimension can be -1, got {shape}")
    if -1 in shape:
        known = math.prod(s for s in shape if s != -1)
        if known == 0 or size % known:
            raise ValueError(f"{where}: cannot reshape {old} ({size} elements) into {shape}")
        shape = tuple(size // known if s == -1 else s for s in shape)
    if math.prod(shape) != size:
        raise ValueError(f"{where}: cannot reshape {old} ({size} elements) into {shape}")
    return shape
