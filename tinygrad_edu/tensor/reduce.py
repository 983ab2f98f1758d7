"""Reductions as Tensor methods: sum, mean, max/min (values and indices), var/std, softmax and friends.

Each takes PyTorch's `dim=`/`keepdim=` (or NumPy's `axis=`/`keepdims=`), normalized in args.py, and
applies one op from `ops/reduce.py`, where the gradient rule sits beside the forward.
"""
from typing import TYPE_CHECKING

from ..ops import reduce as R
from . import dtypes
from .args import axes, dim_or_axis, keep, one_axis

if TYPE_CHECKING:  # annotations only: core.py builds Tensor from this mixin
    from .core import Tensor


class MinMaxResult(tuple):
    """(values, indices) from max(dim)/min(dim), as PyTorch's named tuple."""

    __slots__ = ()

    def __new__(cls, values, indices):
        return super().__new__(cls, (values, indices))

    @property
    def values(self) -> "Tensor":
        return self[0]

    @property
    def indices(self) -> "Tensor":
        return self[1]


class ReduceMethods:
    """Mixin of Tensor: reductions along dimensions."""

    __slots__ = ()

    def _reduce(self, op_cls, where, dim, axis, keepdim, keepdims, **attrs) -> "Tensor":
        dim = dim_or_axis(dim, axis, where)
        dim = None if isinstance(dim, (tuple, list)) and not dim else dim  # PyTorch: dim=() means every dim
        ax = axes(dim, self.ndim, where)
        return self._op1(op_cls(axis=ax, keepdims=keep(keepdim, keepdims), **attrs))

    def _need_float(self, where: str) -> None:
        if self.array.dtype.kind != "f":
            raise TypeError(
                f"{where}: expected a floating point tensor, got dtype {self.dtype}; "
                "convert with .float() first"
            )

    def _need_nonempty(self, where: str) -> None:
        if self.array.size == 0:
            raise RuntimeError(f"{where}: cannot reduce an empty tensor of shape {self.shape}")

    def sum(self, dim=None, keepdim=False, *, axis=None, keepdims=None, dtype=None) -> "Tensor":
        x = self if dtype is None else self._cast(dtypes.to_dtype(dtype, "sum"))
        if x.dtype.kind == "b":
            x = x._cast(dtypes.int64)
        return x._reduce(R.Sum, "sum", dim, axis, keepdim, keepdims)

    def mean(self, dim=None, keepdim=False, *, axis=None, keepdims=None) -> "Tensor":
        self._need_float("mean")
        return self._reduce(R.Mean, "mean", dim, axis, keepdim, keepdims)

    def amax(self, dim=None, keepdim=False, *, axis=None, keepdims=None) -> "Tensor":
        self._need_nonempty("amax")
        return self._reduce(R.Max, "amax", dim, axis, keepdim, keepdims)

    def amin(self, dim=None, keepdim=False, *, axis=None, keepdims=None) -> "Tensor":
        self._need_nonempty("amin")
        return self._reduce(R.Min, "amin", dim, axis, keepdim, keepdims)

    def max(self, dim=None, keepdim=False, *, axis=None, keepdims=None) -> "Tensor | MinMaxResult":
        """max() -> the largest value; max(dim) -> (values, indices) as in PyTorch;
        max(other_tensor) -> elementwise maximum."""
        if self._is_tensor(dim):
            return self.maximum(dim)
        return self._extreme(self.amax, self.argmax, dim, axis, keepdim, keepdims)

    def min(self, dim=None, keepdim=False, *, axis=None, keepdims=None) -> "Tensor | MinMaxResult":
        if self._is_tensor(dim):
            return self.minimum(dim)
        return self._extreme(self.amin, self.argmin, dim, axis, keepdim, keepdims)

    def _extreme(self, values_fn, index_fn, dim, axis, keepdim, keepdims):
        dim = dim_or_axis(dim, axis, "max")
        if dim is None:
            return values_fn()
        k = keep(keepdim, keepdims)
        return MinMaxResult(values_fn(dim, k), index_fn(dim, k))

    def argmax(self, dim=None, keepdim=False, *, axis=None, keepdims=None) -> "Tensor":
        return self._arg(R.ArgMax, "argmax", dim, axis, keepdim, keepdims)

    def argmin(self, dim=None, keepdim=False, *, axis=None, keepdims=None) -> "Tensor":
        return self._arg(R.ArgMin, "argmin", dim, axis, keepdim, keepdims)

    def _arg(self, op_cls, where, dim, axis, keepdim, keepdims) -> "Tensor":
        self._need_nonempty(where)
        dim = dim_or_axis(dim, axis, where)
        ax = None if dim is None else one_axis(dim, self.ndim, where)
        ax = None if self.ndim == 0 else ax
        return self._op1(op_cls(axis=ax, keepdims=keep(keepdim, keepdims) and ax is not None))

    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None,
            keepdims=None) -> "Tensor":
        self._need_float("var")
        if unbiased is not None and correction is not None:
            raise TypeError("var: pass either unbiased or correction, not both")
        corr = correction if correction is not None else (0 if unbiased is False else 1)
        return self._reduce(R.Var, "var", dim, axis, keepdim, keepdims, correction=corr)

    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None,
            keepdims=None) -> "Tensor":
        return self.var(dim, unbiased, keepdim, correction=correction, axis=axis, keepdims=keepdims).sqrt()

    def logsumexp(self, dim=None, keepdim=False, *, axis=None, keepdims=None) -> "Tensor":
        self._need_float("logsumexp")
        return self._reduce(R.LogSumExp, "logsumexp", dim, axis, keepdim, keepdims)

    def softmax(self, dim=None, *, axis=None) -> "Tensor":
        return self._along(R.Softmax, "softmax", dim, axis)

    def log_softmax(self, dim=None, *, axis=None) -> "Tensor":
        return self._along(R.LogSoftmax, "log_softmax", dim, axis)

    def _along(self, op_cls, where, dim, axis) -> "Tensor":
        self._need_float(where)
        ax = axes(dim_or_axis(dim, axis, where, default=-1), self.ndim, where)
        return self._op1(op_cls(axis=ax))
