"""Running sums and products along one axis (cumsum, cumprod), and the product reduction (prod).

Their gradients are exact where inputs are zero, as PyTorch's are. The naive rule d(prod)/dxᵢ =
prod/xᵢ divides by zero there; instead, with the zeros counted along the axis:
- prod: no zero -> prod/xᵢ; one zero -> the product of the others at the zero, 0 elsewhere; more -> 0.
- cumprod: outᵢ = x₀···xᵢ, so d outₖ/d xᵢ = outₖ/xᵢ for i before the first zero z (reverse cumsum of
  g·out, divided by x); at z it is the product of every x up to k except x_z, i.e. cumprod of x with
  x_z replaced by 1; after z every outₖ contains x_z = 0, so nothing depends on xᵢ.
"""
from .base import Op, call, keepdims_shape


def _reverse_cumsum(xp, g, axis: int):
    """Σ_{k >= i} g_k along axis: what each running-sum input contributed to."""
    return xp.flip(call(xp, CumSum(axis=axis), xp.flip(g, axis)), axis)


class CumSum(Op):
    __slots__ = ()
    name = "cumsum"
    local = ("1 for every later position",)

    def forward(self, xp, x):
        return xp.cumsum(x, axis=self.attrs["axis"])

    def backward(self, xp, g, x, *, out):
        return (_reverse_cumsum(xp, g, self.attrs["axis"]),)


class CumProd(Op):
    __slots__ = ()
    name = "cumprod"
    local = ("out_k/x_i for k >= i (exact at zeros)",)

    def forward(self, xp, x):
        return xp.cumprod(x, axis=self.attrs["axis"])

    def backward(self, xp, g, x, *, out):
        axis = self.attrs["axis"]
        zero = x == 0
        zeros_so_far = call(xp, CumSum(axis=axis), zero)
        before = zeros_so_far == 0
        first = zero & (zeros_so_far == 1)
        before_first = _reverse_cumsum(xp, g * out, axis) / xp.where(zero, 1, x)
        at_first = _reverse_cumsum(xp, g * call(xp, CumProd(axis=axis), xp.where(first, 1, x)), axis)
        return (xp.where(before, before_first, xp.where(first, at_first, 0)),)


class Prod(Op):
    """Product over one axis (int) or all of them (None), with keepdims."""

    __slots__ = ()
    name = "prod"
    local = ("product of the others",)

    def forward(self, xp, x):
        return x.prod(axis=self.attrs["axis"], keepdims=self.attrs["keepdims"])

    def backward(self, xp, g, x, *, out):
        axis = self.attrs["axis"]
        if axis is None:  # the product of everything: the same rule on the flattened tensor
            flat = Prod(axis=0, keepdims=True)
            grad = flat.backward(xp, g.reshape((1,)), x.reshape((-1,)), out=out.reshape((1,)))[0]
            return (grad.reshape(x.shape),)
        shape = keepdims_shape(x.shape, (axis,))
        kept_g, kept_out = (g, out) if self.attrs["keepdims"] else (g.reshape(shape), out.reshape(shape))
        zero = x == 0
        only_zero = zero & (zero.sum(axis=axis, keepdims=True) == 1)
        safe = xp.where(zero, 1, x)
        others = call(xp, Prod(axis=axis, keepdims=True), safe)
        return (kept_g * xp.where(only_zero, others, kept_out / safe),)
