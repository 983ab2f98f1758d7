"""A NumPy-like namespace over Tensors, passed as `xp` to op backwards when `create_graph=True`.

Why: each op's backward is written once with `xp.<function>`. With arrays it computes gradients; with
this namespace the same formula builds graph nodes, so gradients can be differentiated again.
Piecewise-constant functions (sign, comparisons) return constants: their derivative is zero.
It holds what the ops' backward formulas use; a new formula needing another function adds it here
(a line that calls the Tensor method or op), or records an op directly through `ops.base.call`.
"""

from ..ops import linalg as L
from ..ops import reduce as R
from ..ops import shape as S
from .args import axes
from .core import Tensor, apply
from .functions import broadcast_to, maximum, minimum, where

apply_op = apply
__all__ = ["apply_op", "broadcast_to", "maximum", "minimum", "where"]


def exp(x) -> Tensor:
    return x.exp()


def log(x) -> Tensor:
    return x.log()

def sin(x) -> Tensor:
    return x.sin()


def cos(x) -> Tensor:
    return x.cos()


def tanh(x) -> Tensor:
    return x.tanh()


def abs(x) -> Tensor:
    return x.abs()


def sign(x) -> Tensor:
    return x.sign()


def sum(x, axis=None, keepdims=False, dtype=None) -> Tensor:
    if dtype is not None:
        x = x.to(dtype)
    return apply(R.Sum(axis=axes(axis, x.ndim, "sum"), keepdims=keepdims), x)

def matmul(a, b) -> Tensor:
    return apply(L.MatMul(), a, b)


def transpose(x, axes=None) -> Tensor:
    axes = tuple(range(x.ndim - 1, -1, -1)) if axes is None else tuple(axes)
    return apply(S.Permute(dims=axes), x)


def swapaxes(x, a, b) -> Tensor:
    return x.transpose(a, b)


def flip(x, axis=None) -> Tensor:
    return apply(S.Flip(axes=axes(axis, x.ndim, "flip")), x)


def zeros_like(x, dtype=None) -> Tensor:
    return x._untracked("zeros_like", dtype=dtype)
