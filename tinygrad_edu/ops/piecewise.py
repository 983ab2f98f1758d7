"""Piecewise-constant array functions (sign, all, any, zeros_like) as an op.

The Tensor layer computes these without a graph node (their derivative is zero everywhere it exists),
but a static graph must still know that `x.sign()` depends on x: tracing records the call as this op,
so the graph recomputes it for new inputs instead of keeping the traced value as a constant.
"""
from .base import Op

FUNCTIONS = frozenset({"sign", "all", "any", "zeros_like", "ones_like", "isnan", "isinf", "isfinite", "floor",
                       "ceil", "trunc", "rint"})


class Piecewise(Op):
    """attrs: function (one of FUNCTIONS: a graph file names functions, so only these are accepted) and
    kwargs (plain data)."""

    __slots__ = ()
    name = "piecewise"
    differentiable = False
    local = ("0",)

    def __init__(self, **attrs):
        super().__init__(**attrs)
        if self.attrs.get("function") not in FUNCTIONS:
            raise ValueError(f"piecewise: unknown function {self.attrs.get('function')!r}; expected one of "
                             f"{sorted(FUNCTIONS)}")

    def forward(self, xp, x):
        kwargs = self.attrs.get("kwargs") or {}
        out = getattr(xp, self.attrs["function"])(x, **kwargs)
        return out if type(out) is type(x) else xp.asarray(out)

    def backward(self, xp, g, x, *, out):
        return (None,)
