"""Matrix and position methods: triangles (tril, triu), diagonals, t/mm/bmm/mv/dot/outer, roll,
repeat_interleave, unfold (sliding windows) and masked_select.

Triangles and roll are ops (ops/structure.py). The rest are compositions of indexing and matmul,
so each gets its gradient from ops that already have one, and draws as those steps: a diagonal is
`x[..., i, i + offset]` with index arrays, repeat_interleave an index_select with repeated indices
(whose backward adds the copies' gradients), a sliding window an index with a window grid.
"""
import numbers

import numpy as np

from .. import backend
from ..errors import ShapeError
from ..ops import index as I
from ..ops import structure as T
from .args import one_axis


class MatrixMethods:
    """Mixin of Tensor: matrices, diagonals, windows."""

    __slots__ = ()

    def _xp(self):
        return backend.XP_BY_TYPE[type(self.array)]

    def _need_ndim(self, where: str, ndims: tuple, what: str = "input"):
        if self.ndim not in ndims:
            raise ShapeError(f"{where}: expected a {' or '.join(f'{n}-D' for n in ndims)} {what}, got shape "
                             f"{self.shape}")

    def _need_matrices(self, where: str):
        if self.ndim < 2:
            raise ShapeError(f"{where}: expected a tensor of matrices (at least 2 dimensions), got shape "
                             f"{self.shape}")

    # ----- triangles and diagonals -----
    def tril(self, diagonal: int = 0):
        self._need_matrices("tril")
        return self._op1(T.Tril(diagonal=int(diagonal)))

    def triu(self, diagonal: int = 0):
        self._need_matrices("triu")
        return self._op1(T.Triu(diagonal=int(diagonal)))

    def _diagonal_index(self, n_rows: int, n_cols: int, offset: int):
        """Row and column index tensors of the offset-th diagonal of an n_rows x n_cols matrix."""
        xp = self._xp()
        length = max(0, min(n_rows, n_cols - offset) if offset >= 0 else min(n_rows + offset, n_cols))
        start_row, start_col = (0, offset) if offset >= 0 else (-offset, 0)
        steps = xp.arange(length)
        return self._lift(steps + start_row), self._lift(steps + start_col)

    def diagonal(self, offset: int = 0, dim1: int = 0, dim2: int = 1):
        """The offset-th diagonal of the (dim1, dim2) matrices, as a last dimension (torch.diagonal)."""
        self._need_matrices("diagonal")
        d1, d2 = one_axis(dim1, self.ndim, "diagonal"), one_axis(dim2, self.ndim, "diagonal")
        if d1 == d2:
            raise ValueError(f"diagonal: dim1 and dim2 must differ, got {dim1} and {dim2}")
        rest = [d for d in range(self.ndim) if d not in (d1, d2)]
        moved = self.permute(*rest, d1, d2)
        rows, cols = self._diagonal_index(self.shape[d1], self.shape[d2], int(offset))
        return moved[(Ellipsis, rows, cols)]

    def diag(self, diagonal: int = 0):
        """1-D input: a square matrix with it on the diagonal-th diagonal; 2-D input: that diagonal."""
        self._need_ndim("diag", (1, 2))
        if self.ndim == 2:
            return self.diagonal(diagonal)
        size = self.shape[0] + abs(int(diagonal))
        rows, cols = self._diagonal_index(size, size, int(diagonal))
        spec = (("array", 0), ("array", 1))
        return self._opn(I.IndexAdd(shape=(size, size), index=spec), rows, cols)

    def trace(self):
        self._need_ndim("trace", (2,))
        return self.diagonal().sum()

    # ----- matrix products with PyTorch's shape rules -----
    def t(self):
        """Transpose a matrix (0-D and 1-D tensors come back as they are)."""
        self._need_ndim("t", (0, 1, 2))
        return self.transpose(0, 1) if self.ndim == 2 else self

    def mm(self, mat2):
        self._need_ndim("mm", (2,), "matrix")
        mat2._need_ndim("mm", (2,), "second matrix (mat2)")
        return self @ mat2

    def bmm(self, mat2):
        self._need_ndim("bmm", (3,), "batch of matrices")
        mat2._need_ndim("bmm", (3,), "second batch (mat2)")
        if self.shape[0] != mat2.shape[0]:
            raise ShapeError(f"bmm: batch sizes differ: {self.shape} and {mat2.shape}")
        return self @ mat2

    def mv(self, vec):
        self._need_ndim("mv", (2,), "matrix")
        vec._need_ndim("mv", (1,), "vector")
        return self @ vec

    def dot(self, other):
        self._need_ndim("dot", (1,), "vector")
        other._need_ndim("dot", (1,), "vector")
        if self.shape != other.shape:
            raise ShapeError(f"dot: vectors of different lengths {self.shape} and {other.shape}")
        return self @ other

    def outer(self, vec2):
        self._need_ndim("outer", (1,), "vector")
        vec2._need_ndim("outer", (1,), "vector")
        return self.reshape(-1, 1) * vec2.reshape(1, -1)

    ger = outer

    # ----- moving and repeating elements -----
    def roll(self, shifts, dims=None):
        """Shift elements cyclically along dims (of the flattened tensor when dims is None)."""
        shifts = (shifts,) if isinstance(shifts, numbers.Integral) else tuple(shifts)
        if dims is None:
            if len(shifts) != 1:
                raise ValueError(f"roll: without dims, shifts must be one int, got {shifts}")
            return self._op1(T.Roll(shifts=(int(shifts[0]),), dims=None))
        dims = (dims,) if isinstance(dims, numbers.Integral) else tuple(dims)
        if len(dims) != len(shifts):
            raise ValueError(f"roll: shifts {shifts} and dims {dims} must have the same length")
        axes = tuple(one_axis(d, self.ndim, "roll") for d in dims)
        return self._op1(T.Roll(shifts=tuple(int(s) for s in shifts), dims=axes))

    def repeat_interleave(self, repeats, dim=None, *, output_size=None):
        """Repeat each element `repeats` times (a number, or one count per element along dim):
        [1, 2].repeat_interleave(2) -> [1, 1, 2, 2]. Without dim the input is flattened first."""
        x = self.reshape(-1) if dim is None else self
        d = 0 if dim is None else one_axis(dim, self.ndim, "repeat_interleave")
        xp = self._xp()
        counts = repeats.tolist() if self._is_tensor(repeats) else repeats
        n = x.shape[d] if x.ndim else 1
        if not isinstance(counts, numbers.Integral):
            counts = [int(c) for c in counts]
            if len(counts) != n:
                raise ShapeError(f"repeat_interleave: got {len(counts)} repeat counts for dim {d} of "
                                 f"size {n}")
        index = xp.repeat(xp.arange(n), counts)
        if output_size is not None and int(index.shape[0]) != output_size:
            raise ShapeError(f"repeat_interleave: the result has size {index.shape[0]}, not output_size "
                             f"{output_size}")
        return x.index_select(d, self._lift(index))

    def unfold(self, dimension: int, size: int, step: int):
        """Every window of `size` elements along `dimension`, `step` apart: that dimension becomes the
        number of windows and a new last dimension of length `size` holds each window."""
        if self.ndim == 0:
            raise ShapeError("unfold: expected a tensor with at least 1 dimension, got a 0-d tensor")
        d = one_axis(dimension, self.ndim, "unfold")
        length = self.shape[d]
        if size > length or size < 0 or step <= 0:
            raise ShapeError(f"unfold: cannot take windows of size {size} with step {step} along dim "
                             f"{dimension} of size {length} (shape {self.shape})")
        xp = self._xp()
        windows = (length - size) // step + 1
        grid = xp.arange(windows).reshape(-1, 1) * step + xp.arange(size).reshape(1, -1)
        picked = self[(slice(None),) * d + (self._lift(grid),)]  # shape (..., windows, size, rest...)
        order = list(range(picked.ndim))
        order.append(order.pop(d + 1))
        return picked.permute(*order)

    def masked_select(self, mask):
        """The elements where mask (broadcast with the input) is True, as a 1-D tensor."""
        mask = self._lift(mask)
        if mask.dtype.kind != "b":
            raise TypeError(f"masked_select: mask must be a bool tensor, got dtype {mask.dtype}")
        try:
            shape = np.broadcast_shapes(self.shape, mask.shape)
        except ValueError:
            raise ShapeError(f"masked_select: shapes {self.shape} and {mask.shape} don't broadcast") from None
        return self.broadcast_to(shape)[mask.broadcast_to(shape)]

    def nonzero(self, *, as_tuple: bool = False):
        """Indices of the nonzero elements: one row per element (int64), or one tensor per dimension."""
        xp = self._xp()
        found = xp.nonzero(self.array) if self.ndim else xp.nonzero(self.array.reshape(1))
        columns = [self._lift(c.astype("int64")) for c in found]
        if as_tuple:
            return tuple(columns)
        stacked = xp.stack([c.array for c in columns], axis=1) if columns else xp.zeros((0, 0), "int64")
        return self._lift(stacked)

    def argwhere(self):
        return self.nonzero()
