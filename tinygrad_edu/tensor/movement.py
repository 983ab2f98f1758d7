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
from . import grad_mode
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
            raise ValueError(
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
            raise ValueError(f"expand: shape {self.shape} cannot be broadcast to {shape}")
        return self._op1(S.Expand(shape=shape))

    def expand(self, *shape) -> "Tensor":
        shape = shape_arg(shape, "expand", infer=True)
        lead = len(shape) - self.ndim
        if lead < 0:
            raise ValueError(f"expand: target shape {shape} has fewer dimensions than {self.shape}")
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
            raise ValueError(
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
                raise ValueError(
                    f"split: section sizes {sizes} add up to {sum(sizes)}, but dim {dim} has size {n}"
                )
        pieces, start = [], 0
        for size in sizes:
            pieces.append(self[(slice(None),) * d + (slice(start, start + size),)])
            start += size
        return tuple(pieces)

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
        """Index arrays become integer/bool Tensors on this device (non-differentiable op inputs)."""
        t = self._lift(value)
        if t.dtype.kind not in "biu":
            raise IndexError(f"{where}: index tensors must be integer or bool, got dtype {t.dtype}")
        return t

    def _index_spec(self, key) -> tuple:
        """Split an index into plain data (the op's attrs) and index tensors (extra op inputs)."""
        if not isinstance(key, tuple):
            key = (key,)
        spec: list = []
        tensors: list = []
        for k in key:
            if k is None:
                spec.append(None)
            elif k is Ellipsis:
                spec.append("...")
            elif isinstance(k, slice):
                bounds = (k.start, k.stop, k.step)
                spec.append(("slice",) + tuple(None if v is None else operator.index(v) for v in bounds))
            elif isinstance(k, numbers.Integral) and not isinstance(k, (bool, np.bool_)):
                spec.append(int(k))
            elif (self._is_tensor(k) or isinstance(k, (list, np.ndarray, bool, np.bool_))
                  or type(k) in backend.XP_BY_TYPE):
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
        """x[mask] = 0 and the like on data (no graph is recorded, as for other in-place updates)."""
        if self.requires_grad and grad_mode.enabled:
            raise RuntimeError(
                "setitem: in-place assignment into a tensor that requires grad while recording a "
                "graph; use `with no_grad():`, or build a new tensor with where()"
            )
        spec, index_tensors = self._index_spec(key)
        key = I.build_key(spec, tuple(t.array for t in index_tensors))
        self.array[key] = self._operand_array(value, "setitem")

    def gather(self, dim: int, index) -> "Tensor":
        """out[i][j] = x[index[i][j]][j] (for dim 0), as torch.gather; repeated indices add up in backward."""
        d = one_axis(dim, self.ndim, "gather")
        idx = self._as_index(index, "gather")
        if idx.ndim != self.ndim:
            raise ValueError(
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
