"""Reductions over `axis` (a tuple of non-negative ints, or None for all axes) with `keepdims`.

Their backward broadcasts the output gradient back over the reduced axes (`expand_reduced`)."""

from .base import Op, expand_reduced, keepdims_shape


def _count(shape: tuple, axis) -> int:
    n = 1
    for i, size in enumerate(shape):
        if axis is None or i in axis:
            n *= size
    return n


class Sum(Op):
    __slots__ = ()
    name = "sum"
    local = ("1",)

    def forward(self, xp, x):
        return x.sum(axis=self.attrs["axis"], keepdims=self.attrs["keepdims"])

    def backward(self, xp, g, x, *, out):
        return (expand_reduced(xp, g, x.shape, self.attrs["axis"], self.attrs["keepdims"]),)


class Mean(Op):
    __slots__ = ()
    name = "mean"
    local = ("1/n",)

    def forward(self, xp, x):
        axis = self.attrs["axis"]
        return x.sum(axis=axis, keepdims=self.attrs["keepdims"]) / _count(x.shape, axis)

    def backward(self, xp, g, x, *, out):
        n = _count(x.shape, self.attrs["axis"])
        return (expand_reduced(xp, g / n, x.shape, self.attrs["axis"], self.attrs["keepdims"]),)


class _Extreme(Op):
    """Shared backward of max and min: the gradient is split evenly over tied extreme elements."""

    __slots__ = ()

    def backward(self, xp, g, x, *, out):
        axis, keepdims = self.attrs["axis"], self.attrs["keepdims"]
        kept = out if keepdims else out.reshape(keepdims_shape(x.shape, axis))
        hit = x == kept
        count = hit.sum(axis=axis, keepdims=True, dtype=x.dtype)
        share = (g if keepdims else g.reshape(kept.shape)) / count
        return (share * hit,)


class Max(_Extreme):
    __slots__ = ()
    name = "max"
    local = ("1/k at the k maximal elements",)

    def forward(self, xp, x):
        return x.max(axis=self.attrs["axis"], keepdims=self.attrs["keepdims"])


class Min(_Extreme):
    __slots__ = ()
    name = "min"
    local = ("1/k at the k minimal elements",)

    def forward(self, xp, x):
        return x.min(axis=self.attrs["axis"], keepdims=self.attrs["keepdims"])


class Var(Op):
    """Variance with `correction` (1 = unbiased, torch's default; 0 = population)."""

    __slots__ = ()
    name = "var"
    local = ("2(x - mean)/(n - correction)",)

    def forward(self, xp, x):
        axis, keepdims = self.attrs["axis"], self.attrs["keepdims"]
        return xp.var(x, axis=axis, ddof=self.attrs["correction"], keepdims=keepdims)

    def backward(self, xp, g, x, *, out):
        axis = self.attrs["axis"]
        n = _count(x.shape, axis) - self.attrs["correction"]
        centered = x - x.mean(axis=axis, keepdims=True)
        g = g if self.attrs["keepdims"] else g.reshape(keepdims_shape(x.shape, axis))
        return (g * centered * (2 / n if n > 0 else float("nan")),)  # no degrees of freedom: NaN, as forward


def _shift(x, axis):
    """What softmax-like ops subtract so exp() never overflows: the max along `axis`. An empty tensor has
    no max (NumPy raises) and nothing that could overflow, so it is shifted by zeros of the same shape."""
    return x.max(axis=axis, keepdims=True) if x.size else x.sum(axis=axis, keepdims=True)


class LogSumExp(Op):
    """log(sum(exp(x))), computed after subtracting the max so it never overflows."""

    __slots__ = ()
    name = "logsumexp"
    local = ("softmax(x)",)

    def forward(self, xp, x):
        axis, keepdims = self.attrs["axis"], self.attrs["keepdims"]
        m = _shift(x, axis)
        m = xp.where(xp.isfinite(m), m, 0)
        total = xp.exp(x - m).sum(axis=axis, keepdims=keepdims)
        return xp.log(total) + (m if keepdims else xp.squeeze(m, axis=axis))

    def backward(self, xp, g, x, *, out):
        axis, keepdims = self.attrs["axis"], self.attrs["keepdims"]
        shape = keepdims_shape(x.shape, axis)
        kept_out = out if keepdims else out.reshape(shape)
        kept_g = g if keepdims else g.reshape(shape)
        return (kept_g * xp.exp(x - kept_out),)


class Softmax(Op):
    __slots__ = ()
    name = "softmax"
    local = ("out·(δ - out)",)

    def forward(self, xp, x):
        axis = self.attrs["axis"]
        e = xp.exp(x - _shift(x, axis))
        return e / e.sum(axis=axis, keepdims=True)

    def backward(self, xp, g, x, *, out):
        gy = g * out
        return (gy - out * gy.sum(axis=self.attrs["axis"], keepdims=True),)


class LogSoftmax(Op):
    __slots__ = ()
    name = "log_softmax"
    local = ("δ - softmax(x)",)

    def forward(self, xp, x):
        axis = self.attrs["axis"]
        shifted = x - _shift(x, axis)
        return shifted - xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))

    def backward(self, xp, g, x, *, out):
        return (g - xp.exp(out) * g.sum(axis=self.attrs["axis"], keepdims=True),)


class _ArgExtreme(Op):
    """Shared by argmax/argmin: the index of the extreme element along `axis` (int, or None for the
    flattened tensor). Indices are integers, so no gradient flows."""

    __slots__ = ()
    differentiable = False

    def forward(self, xp, x):
        return getattr(xp, self.name)(x, axis=self.attrs["axis"], keepdims=self.attrs["keepdims"])

    def backward(self, xp, g, x, *, out):
        return (None,)


class ArgMax(_ArgExtreme):
    __slots__ = ()
    name = "argmax"


class ArgMin(_ArgExtreme):
    __slots__ = ()
    name = "argmin"
