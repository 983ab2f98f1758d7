"""Functions that join, split and pick from tensors: cat, stack, split, chunk, gather, pad.

They check their arguments (naming the function and the shapes) and then apply shape/index ops, so
each gets its gradient from those ops' backward.
"""
import numbers

from . import backend, dtypes
from .ops import shape as S
from .tensor import Tensor, _as_index, _one_axis, _wrap, apply, dim_or_axis


def _same_shapes_except(tensors, axis, where):
    first = tensors[0].shape
    for t in tensors[1:]:
        if len(t.shape) != len(first) or any(
            x != y for i, (x, y) in enumerate(zip(t.shape, first)) if i != axis
        ):
            shapes = ", ".join(str(u.shape) for u in tensors)
            raise ValueError(f"{where}: shapes must match except along dim {axis}, got {shapes}")


def _common(tensors, where):
    if not tensors:
        raise ValueError(f"{where}: expected a non-empty sequence of tensors")
    tensors = [t if isinstance(t, Tensor) else Tensor(t) for t in tensors]
    common = tensors[0].dtype
    for t in tensors[1:]:
        common = dtypes.promote_types(common, t.dtype)
    return [t._cast(common) for t in tensors]


def cat(tensors, dim=None, *, axis=None) -> Tensor:
    tensors = _common(list(tensors), "cat")
    d = _one_axis(dim_or_axis(dim, axis, "cat", default=0), tensors[0].ndim, "cat")
    _same_shapes_except(tensors, d, "cat")
    return apply(S.Cat(axis=d), *tensors)


concatenate = cat


def stack(tensors, dim=None, *, axis=None) -> Tensor:
    tensors = _common(list(tensors), "stack")
    d = _one_axis(dim_or_axis(dim, axis, "stack", default=0), tensors[0].ndim + 1, "stack")
    _same_shapes_except(tensors, None, "stack")
    return apply(S.Stack(axis=d), *tensors)


def split(x: Tensor, split_size_or_sections, dim=None, *, axis=None) -> tuple:
    """Pieces of `split_size` along dim (the last may be smaller), or of the given list of sizes."""
    dim = dim_or_axis(dim, axis, "split", default=0)
    d = _one_axis(dim, x.ndim, "split")
    n = x.shape[d]
    if isinstance(split_size_or_sections, numbers.Integral):
        step = int(split_size_or_sections)
        if step <= 0:
            raise ValueError(f"split: split_size must be positive, got {step}")
        sizes = [min(step, n - s) for s in range(0, n, step)] or [0]
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if sum(sizes) != n:
            raise ValueError(
                f"split: section sizes {sizes} add up to {sum(sizes)}, but dim {dim} has size {n}"
            )
    pieces, start = [], 0
    for size in sizes:
        pieces.append(x[(slice(None),) * d + (slice(start, start + size),)])
        start += size
    return tuple(pieces)


def chunk(x: Tensor, chunks: int, dim=None, *, axis=None) -> tuple:
    dim = dim_or_axis(dim, axis, "chunk", default=0)
    if chunks <= 0:
        raise ValueError(f"chunk: chunks must be positive, got {chunks}")
    n = x.shape[_one_axis(dim, x.ndim, "chunk")]
    return split(x, max(1, -(-n // chunks)), dim)


def gather(x: Tensor, dim: int, index) -> Tensor:
    """out[i][j] = x[index[i][j]][j] (for dim 0), as torch.gather; repeated indices add up in backward."""
    d = _one_axis(dim, x.ndim, "gather")
    idx = _as_index(index, x, "gather")
    if idx.ndim != x.ndim:
        raise ValueError(f"gather: index has {idx.ndim} dimensions but input has {x.ndim} (shape {x.shape})")
    xp = backend.XP_BY_TYPE[type(x.data)]
    key = []
    for axis, size in enumerate(idx.shape):
        if axis == d:
            key.append(idx)
        else:
            shape = [1] * idx.ndim
            shape[axis] = size
            key.append(_wrap(xp.arange(size).reshape(shape), None, (), False))
    return x[tuple(key)]


def pad(x: Tensor, pad, mode: str = "constant", value: float = 0.0) -> Tensor:
    """torch.nn.functional.pad: `pad` lists (left, right) pairs starting from the LAST dimension."""
    if mode != "constant":
        raise NotImplementedError(f"pad: only mode='constant' is supported, got {mode!r}")
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2 or len(pad) // 2 > x.ndim:
        raise ValueError(
            f"pad: expected an even number of pad sizes, at most 2 per dimension of {x.shape}, got {pad}"
        )
    if any(p < 0 for p in pad):
        raise ValueError(f"pad: negative padding {pad} is not supported")
    pairs = [(0, 0)] * x.ndim
    for i in range(len(pad) // 2):
        pairs[x.ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    return apply(S.Pad(pad_width=tuple(pairs), value=value), x)
