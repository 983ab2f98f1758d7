"""Products and running sums/products along a dimension (prod, cumsum, cumprod), and ordering: sort,
argsort, topk, all/any along a dimension, count_nonzero.

The scans apply ops from ops/scan.py. Sorting is a composition: the order (argsort) is integer data
with no gradient, and the sorted values are `gather`ed with it, so their gradient flows back to the
positions they came from, exactly as in PyTorch. Sorts are stable (ties keep their order), and NaN
sorts as the largest value, as in PyTorch.
"""
from .. import backend
from ..errors import ShapeError
from ..ops import scan as C
from . import dtypes
from .args import dim_or_axis, one_axis
from .reduce import MinMaxResult


def _stable_argsort(xp, array, axis: int):
    try:
        return xp.argsort(array, axis=axis, kind="stable")
    except TypeError:  # CuPy's argsort is always stable and takes no `kind`
        return xp.argsort(array, axis=axis)


class ScanMethods:
    """Mixin of Tensor: products, running sums/products, sorting."""

    __slots__ = ()

    def _integer_sum_dtype(self, dtype, where: str):
        """Like PyTorch, products and running sums of bools and integers are int64 unless `dtype` says."""
        if dtype is not None:
            return self._cast(dtypes.to_dtype(dtype, where))
        return self._cast(dtypes.int64) if self.dtype.kind in "biu" else self

    def prod(self, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
        x = self._integer_sum_dtype(dtype, "prod")
        dim = dim_or_axis(dim, axis, "prod")
        ax = None if dim is None else one_axis(dim, self.ndim, "prod")
        keep = bool(keepdim if keepdims is None else keepdims)
        return x._op1(C.Prod(axis=None if self.ndim == 0 else ax, keepdims=keep and ax is not None))

    def cumsum(self, dim=None, *, dtype=None, axis=None):
        return self._scan(C.CumSum, "cumsum", dim, axis, dtype)

    def cumprod(self, dim=None, *, dtype=None, axis=None):
        return self._scan(C.CumProd, "cumprod", dim, axis, dtype)

    def _scan(self, op_cls, where, dim, axis, dtype):
        dim = dim_or_axis(dim, axis, where)
        if dim is None:
            raise TypeError(f"{where}: missing the dim to run along (e.g. x.{where}(dim=0))")
        x = self._integer_sum_dtype(dtype, where)
        if self.ndim == 0:
            one_axis(dim, 0, where)
            return x.clone()
        return x._op1(op_cls(axis=one_axis(dim, self.ndim, where)))

    # ----- ordering -----
    def argsort(self, dim=-1, descending=False, stable=False):
        """Indices that sort along dim (always stable here; `stable` is accepted for PyTorch code)."""
        if self.ndim == 0:
            one_axis(dim, 0, "argsort")
            return self._constant(0).detach()._cast(dtypes.int64)
        d = one_axis(dim, self.ndim, "argsort")
        xp = backend.XP_BY_TYPE[type(self.array)]
        if not descending:
            order = _stable_argsort(xp, self.array, d)
        else:  # sort the mirror image and mirror back: equal values keep their order, NaN comes first
            order = self.shape[d] - 1 - xp.flip(_stable_argsort(xp, xp.flip(self.array, axis=d), d), axis=d)
        return self._lift(order)._cast(dtypes.int64)

    def sort(self, dim=-1, descending=False, stable=False):
        """(values, indices) sorted along dim; the values carry gradients back to where they came from."""
        indices = self.argsort(dim, descending, stable)
        values = self.gather(one_axis(dim, self.ndim, "sort"), indices) if self.ndim else self.clone()
        return MinMaxResult(values, indices)

    def msort(self):
        return self.sort(0).values

    def topk(self, k, dim=-1, largest=True, sorted=True):
        """The k largest (or smallest) values along dim and their indices, largest first."""
        d = one_axis(dim, self.ndim, "topk")
        size = self.shape[d] if self.ndim else 1
        if not 0 <= k <= size:
            raise ShapeError(f"topk: k = {k} is out of range for dim {dim} of size {size} "
                             f"(shape {self.shape})")
        indices = self.argsort(d, descending=largest)
        if self.ndim:
            indices = indices[(slice(None),) * d + (slice(0, k),)]
        values = self.gather(d, indices) if self.ndim else self.clone()
        return MinMaxResult(values, indices)

    def all(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        return self._logical_reduce("all", dim, axis, keepdim, keepdims)

    def any(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        return self._logical_reduce("any", dim, axis, keepdim, keepdims)

    def _logical_reduce(self, function, dim, axis, keepdim, keepdims):
        dim = dim_or_axis(dim, axis, function)
        ax = None if dim is None or self.ndim == 0 else one_axis(dim, self.ndim, function)
        keep = bool(keepdim if keepdims is None else keepdims) and ax is not None
        return self._untracked(function, axis=ax, keepdims=keep)

    def count_nonzero(self, dim=None):
        return (self != 0).sum(dim)
