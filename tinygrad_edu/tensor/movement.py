"""Shape and indexing methods: reshape, permute, expand, flip, repeat, split, `x[...]`, gather.

Shape ops move or copy elements without changing them, so their gradients move the gradient back
(ops/shape.py). Indexing keeps the index as plain data plus index tensors (ops/index.py), so a graph
with `x[mask]` can still be drawn, saved and re-run.
"""
import math
import numbers
import operator
from typing import TYPE_CHECKING

import numpy as np

from .. import backend
from ..errors import ShapeError
from ..ops import index as I
from ..ops import shape as S
from . import dtypes
from .args import axes, dim_or_axis, int_arg, ints, ints_arg, one_axis, resolve_shape, shape_arg

if TYPE_CHECKING:  # annotations only: core.py builds Tensor from this mixin
    from .core import Tensor


class MovementMethods:
    """Mixin of Tensor: shapes, views and indexing."""

    __slots__ = ()

    def size(self, dim=None) -> "tuple | int":
        if dim is None:
            return self.shape
        return self.shape[one_axis(dim, self.ndim, "size")]

    # ----- shape -----
    def _reshape_to(self, shape: tuple) -> "Tensor":
        return self if shape == self.shape else self._op1(S.Reshape(shape=shape))

    def reshape(self, *shape) -> "Tensor":
        shape = shape_arg(shape, "reshape", infer=True)
        return self._reshape_to(resolve_shape(shape, self.array.size, self.shape, "reshape"))

    view = reshape

    def view_as(self, other) -> "Tensor":
        return self._reshape_to(other.shape)

    reshape_as = view_as

    def unflatten(self, dim: int, sizes) -> "Tensor":
        """Split dimension `dim` into `sizes` (one may be -1): the inverse of flatten."""
        d = one_axis(dim, self.ndim, "unflatten")
        inner = resolve_shape(shape_arg((sizes,), "unflatten", infer=True), self.shape[d], (self.shape[d],),
                              "unflatten")
        return self._reshape_to(self.shape[:d] + inner + self.shape[d + 1:])

    def narrow(self, dim: int, start: int, length: int) -> "Tensor":
        d = one_axis(dim, self.ndim, "narrow")
        if start < 0:
            start += self.shape[d]
        if not 0 <= start <= start + length <= self.shape[d]:
            raise ShapeError(f"narrow: start {start} and length {length} do not fit dim {dim} of size "
                             f"{self.shape[d]}")
        return self[(slice(None),) * d + (slice(start, start + length),)]

    def contiguous(self, memory_format=None) -> "Tensor":
        """The tensor itself: every op here accepts any memory layout, so none needs a copy."""
        return self

    def is_contiguous(self, memory_format=None) -> bool:
        return True

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> "Tensor":
        if self.ndim == 0:
            return self.reshape(1)
        s = one_axis(start_dim, self.ndim, "flatten")
        e = one_axis(end_dim, self.ndim, "flatten")
        if s > e:
            raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
        shape = self.shape
        return self._reshape_to(shape[:s] + (math.prod(shape[s : e + 1]),) + shape[e + 1 :])

    def squeeze(self, dim=None) -> "Tensor":
        if dim is None:
            return self._reshape_to(tuple(s for s in self.shape if s != 1))
        ax = axes(dim, self.ndim, "squeeze") or ()
        return self._reshape_to(tuple(s for i, s in enumerate(self.shape) if not (i in ax and s == 1)))

    def unsqueeze(self, dim: int) -> "Tensor":
        d = one_axis(dim, self.ndim + 1, "unsqueeze")
        shape = self.shape
        return self._reshape_to(shape[:d] + (1,) + shape[d:])

    def permute(self, *dims) -> "Tensor":
        dims = ints_arg(dims, "permute", "dims")
        if sorted(d % max(self.ndim, 1) for d in dims) != list(range(self.ndim)):
            raise ShapeError(
                f"permute: dims {dims} are not a permutation of the {self.ndim} axes of {self.shape}"
            )
        return self._op1(S.Permute(dims=tuple(d % self.ndim for d in dims)))

    def transpose(self, dim0: int = 0, dim1: int = 1) -> "Tensor":
        if self.ndim < 2:
            return self
        a, b = one_axis(dim0, self.ndim, "transpose"), one_axis(dim1, self.ndim, "transpose")
        dims = list(range(self.ndim))
        dims[a], dims[b] = dims[b], dims[a]
        return self._op1(S.Permute(dims=tuple(dims)))

    swapaxes = swapdims = transpose

    def movedim(self, source, destination) -> "Tensor":
        source = (source,) if isinstance(source, numbers.Integral) else tuple(source)
        destination = (destination,) if isinstance(destination, numbers.Integral) else tuple(destination)
        if len(source) != len(destination):
            raise ValueError(f"movedim: source {source} and destination {destination} differ in length")
        src = [one_axis(d, self.ndim, "movedim") for d in source]
        dst = [one_axis(d, self.ndim, "movedim") for d in destination]
        rest = iter(d for d in range(self.ndim) if d not in src)
        placed = dict(zip(dst, src))
        return self.permute(*(placed[i] if i in placed else next(rest) for i in range(self.ndim)))

    moveaxis = movedim

    @property
    def T(self) -> "Tensor":
        return self._op1(S.Permute(dims=tuple(range(self.ndim - 1, -1, -1)))) if self.ndim > 1 else self

    @property
    def mT(self) -> "Tensor":
        return self.transpose(-2, -1)

    def broadcast_to(self, shape) -> "Tensor":
        shape = tuple(shape)
        if shape == self.shape:
            return self
        try:
            target = np.broadcast_shapes(self.shape, shape)
        except ValueError:
            target = None
        if target != shape:
            raise ShapeError(f"expand: shape {self.shape} cannot be broadcast to {shape}")
        return self._op1(S.Expand(shape=shape))

    def expand(self, *shape) -> "Tensor":
        shape = shape_arg(shape, "expand", infer=True)
        lead = len(shape) - self.ndim
        if lead < 0:
            raise ShapeError(f"expand: target shape {shape} has fewer dimensions than {self.shape}")
        if -1 in shape[:lead]:
            raise ShapeError(f"expand: -1 (keep the size) cannot stand for a new leading dimension, got "
                             f"{shape} for a tensor of shape {self.shape}")
        return self.broadcast_to(tuple(self.shape[i - lead] if s == -1 else s for i, s in enumerate(shape)))

    def expand_as(self, other) -> "Tensor":
        return self.broadcast_to(other.shape)

    def flip(self, dims) -> "Tensor":
        ax = axes(dims, self.ndim, "flip")
        return self._op1(S.Flip(axes=ax)) if ax else self

    def repeat(self, *repeats) -> "Tensor":
        repeats = shape_arg(repeats, "repeat")
        if len(repeats) < self.ndim:
            raise ShapeError(
                f"repeat: got {len(repeats)} repeat counts for a tensor with {self.ndim} dimensions"
            )
        return self._op1(S.Repeat(repeats=repeats))

    def split(self, split_size_or_sections, dim=None, *, axis=None) -> tuple:
        """Pieces of `split_size` along dim (the last may be smaller), or of the given list of sizes."""
        dim = dim_or_axis(dim, axis, "split", default=0)
        self._need_dims("split")
        d = one_axis(dim, self.ndim, "split")
        n = self.shape[d]
        if isinstance(split_size_or_sections, numbers.Integral):
            step = int_arg(split_size_or_sections, "split", "split_size", minimum=1)
            sizes = [min(step, n - s) for s in range(0, n, step)] or [0]
        else:
            sizes = list(ints(split_size_or_sections, "split", "split_size_or_sections"))
            if sum(sizes) != n:
                raise ShapeError(
                    f"split: section sizes {sizes} add up to {sum(sizes)}, but dim {dim} has size {n}"
                )
        pieces, start = [], 0
        for size in sizes:
            pieces.append(self[(slice(None),) * d + (slice(start, start + size),)])
            start += size
        return tuple(pieces)

    def select(self, dim: int, index: int) -> "Tensor":
        return self[(slice(None),) * one_axis(dim, self.ndim, "select") + (index,)]

    def unbind(self, dim: int = 0) -> tuple:
        """The slices along dim, each without that dimension."""
        d = one_axis(dim, self.ndim, "unbind")
        return tuple(self.select(d, i) for i in range(self.shape[d]))

    def chunk(self, chunks: int, dim=None, *, axis=None) -> tuple:
        dim = dim_or_axis(dim, axis, "chunk", default=0)
        chunks = int_arg(chunks, "chunk", "chunks", minimum=1)
        self._need_dims("chunk")
        n = self.shape[one_axis(dim, self.ndim, "chunk")]
        if n == 0:  # PyTorch: an empty dim gives `chunks` empty pieces
            return self.split([0] * chunks, dim)
        return self.split(-(-n // chunks), dim)

    def _need_dims(self, where: str) -> None:
        if self.ndim == 0:
            raise ShapeError(f"{where}: expected a tensor with at least 1 dimension, got a 0-d tensor")

    # ----- indexing -----
    def _as_index(self, value, where: str) -> "Tensor":
        """Index arrays become integer/bool Tensors on this device (non-differentiable op inputs); a
        list may hold ints, bools or 0-d index tensors, and an empty list picks nothing (int64)."""
        if isinstance(value, (list, tuple)):
            value = [int(v) if self._is_tensor(v) and v.ndim == 0 and v.dtype.kind in "iu" else v
                     for v in value]
            value = np.zeros(0, np.int64) if not value else value
        t = self._lift(value)
        if t.array.dtype.kind not in "biu":
            raise IndexError(f"{where}: index tensors must be integer or bool, got dtype {t.dtype}")
        return t

    def _index_spec(self, key) -> tuple:
        """Split an index into plain data (the op's attrs) and index tensors (extra op inputs)."""
        if not isinstance(key, tuple):
            key = (key,)
        spec: list = []
        tensors: list = []
        for k in key:
            if self._is_tensor(k):  # first: an index tensor is the common case, and no number
                tensors.append(self._as_index(k, "getitem"))
                spec.append(("array", len(tensors) - 1))
            elif k is None:
                spec.append(None)
            elif k is Ellipsis:
                spec.append("...")
            elif isinstance(k, slice):
                bounds = (k.start, k.stop, k.step)
                spec.append(("slice",) + tuple(None if v is None else operator.index(v) for v in bounds))
            elif isinstance(k, numbers.Integral) and not isinstance(k, (bool, np.bool_)):
                spec.append(int(k))
            elif (isinstance(k, (list, tuple, np.ndarray, bool, np.bool_))
                  or type(k) in backend.XP_BY_TYPE):  # (a tuple inside the key is a list of indices)
                tensors.append(self._as_index(k, "getitem"))
                spec.append(("array", len(tensors) - 1))
            else:
                raise IndexError(f"getitem: unsupported index {k!r} of type {type(k).__name__}")
        return tuple(spec), tensors

    def __getitem__(self, key) -> "Tensor":
        spec, index_tensors = self._index_spec(key)
        op = I.GetItem(index=spec)
        try:
            return self._opn(op, *index_tensors) if index_tensors else self._op1(op)
        except IndexError as err:  # NumPy's words for an index that does not fit, with our shape added
            raise IndexError(f"getitem: {err} (indexing a tensor of shape {self.shape})") from None

    def __setitem__(self, key, value) -> None:
        """x[mask] = 0 and the like, in place under the rules of the other in-place methods (inplace.py)."""
        self._writable("setitem", value)
        spec, index_tensors = self._index_spec(key)
        key = I.build_key(spec, tuple(t.array for t in index_tensors))
        self.array[key] = self._operand_array(value, "setitem")

    def gather(self, dim: int, index) -> "Tensor":
        """out[i][j] = x[index[i][j]][j] (for dim 0), as torch.gather; repeated indices add up in backward."""
        d = one_axis(dim, self.ndim, "gather")
        idx = self._as_index(index, "gather")
        if idx.ndim != self.ndim:
            raise ShapeError(
                f"gather: index has {idx.ndim} dimensions but input has {self.ndim} (shape {self.shape})"
            )
        xp = backend.XP_BY_TYPE[type(self.array)]
        key = []
        for ax, size in enumerate(idx.shape):
            if ax == d:
                key.append(idx)
            else:
                shape = [1] * idx.ndim
                shape[ax] = size
                key.append(self._lift(xp.arange(size).reshape(shape)))
        return self[tuple(key)]

    def index_select(self, dim: int, index) -> "Tensor":
        self._need_dims("index_select")
        d = one_axis(dim, self.ndim, "index_select")
        return self[(slice(None),) * d + (self._as_index(index, "index_select"),)]

    def masked_fill(self, mask, value) -> "Tensor":
        """`value` where `mask` holds; the result keeps this tensor's dtype, as in PyTorch."""
        fill = value if self._is_tensor(value) else self._constant(value)
        return fill._cast(self.dtype).where(mask, self)

    # ----- new tensors like this one (same dtype and device unless given) -----
    def _new(self, host_fill, size, dtype, device, requires_grad) -> "Tensor":
        shape = shape_arg(size, "new tensor")
        array = host_fill(shape).astype(self.dtype if dtype is None else dtypes.to_dtype(dtype, "new tensor"))
        out = self._lift(backend.to_device(array, self.device if device is None else device))
        return out.requires_grad_(True) if requires_grad else out

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False) -> "Tensor":
        return self._new(np.zeros, size, dtype, device, requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False) -> "Tensor":
        return self._new(np.ones, size, dtype, device, requires_grad)

    new_empty = new_zeros

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False) -> "Tensor":
        return self._new(lambda shape: np.full(shape, fill_value), (size,), dtype, device, requires_grad)

    def new_tensor(self, data, dtype=None, device=None, requires_grad=False) -> "Tensor":
        host = np.array(backend.to_host(data.array) if self._is_tensor(data) else data)
        return self._new(lambda shape: host, host.shape, dtype, device, requires_grad)
