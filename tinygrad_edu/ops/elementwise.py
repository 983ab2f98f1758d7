"""Elementwise ops. Binary ones broadcast like NumPy; their backward sums gradients back to each input's
shape with `unbroadcast`. The Tensor layer has already promoted both inputs to one dtype."""

import math
import operator

from .base import Op, call, unbroadcast
from .special import erf


class Add(Op):
    __slots__ = ()
    name = "add"
    local = ("1", "1")

    def forward(self, xp, a, b):
        return a + b

    def backward(self, xp, g, a, b, *, out):
        return unbroadcast(xp, g, a.shape), unbroadcast(xp, g, b.shape)


class Sub(Op):
    __slots__ = ()
    name = "sub"
    local = ("1", "-1")

    def forward(self, xp, a, b):
        return a - b

    def backward(self, xp, g, a, b, *, out):
        return unbroadcast(xp, g, a.shape), unbroadcast(xp, -g, b.shape)


class Mul(Op):
    __slots__ = ()
    name = "mul"
    local = ("b", "a")

    def forward(self, xp, a, b):
        return a * b

    def backward(self, xp, g, a, b, *, out):
        return unbroadcast(xp, g * b, a.shape), unbroadcast(xp, g * a, b.shape)


class Div(Op):
    __slots__ = ()
    name = "div"
    local = ("1/b", "-a/b²")

    def forward(self, xp, a, b):
        return a / b

    def backward(self, xp, g, a, b, *, out):
        ga = g / b
        return unbroadcast(xp, ga, a.shape), unbroadcast(xp, -ga * out, b.shape)


class Pow(Op):
    """a ** b with a tensor exponent, with PyTorch's values where the formulas break down: where b = 0
    the base gets no gradient (not 0·a^(-1)); the exponent's gradient a^b·ln a is 0 where a = 0 and
    b >= 0, -inf·a^b where a = 0 and b < 0 (ln 0 = -inf), and NaN for a negative base."""

    __slots__ = ()
    name = "pow"
    local = ("b·a^(b-1)", "a^b·ln a")

    def forward(self, xp, a, b):
        return a**b

    def backward(self, xp, g, a, b, *, out):
        flat = b == 0
        ga = xp.where(flat, 0, g * b * a ** xp.where(flat, 1, b - 1))
        positive = a > 0
        log_a = xp.where(a < 0, math.nan, xp.where(positive, xp.log(xp.where(positive, a, 1)), -math.inf))
        gb = xp.where((a == 0) & (b >= 0), 0, g * out * log_a)
        return unbroadcast(xp, ga, a.shape), unbroadcast(xp, gb, b.shape)


class PowScalar(Op):
    """x ** p for a Python number p (the common case: squares, square roots, reciprocals); x ** 0 is
    flat, so its gradient is 0 (also at x = 0, as in PyTorch)."""

    __slots__ = ()
    name = "pow"
    local = ("p·x^(p-1)",)

    def forward(self, xp, x):
        return x ** self.attrs["exponent"]

    def backward(self, xp, g, x, *, out):
        p = self.attrs["exponent"]
        return (g * 0 if p == 0 else g * p * x ** (p - 1),)


class RPowScalar(Op):
    """c ** x for a Python number c (e.g. 2 ** x)."""

    __slots__ = ()
    name = "rpow"
    local = ("c^x·ln c",)

    def forward(self, xp, x):
        return self.attrs["base"] ** x

    def backward(self, xp, g, x, *, out):
        return (g * out * math.log(self.attrs["base"]),)


class Neg(Op):
    __slots__ = ()
    name = "neg"
    local = ("-1",)

    def forward(self, xp, x):
        return -x

    def backward(self, xp, g, x, *, out):
        return (-g,)


class Exp(Op):
    __slots__ = ()
    name = "exp"
    local = ("out",)

    def forward(self, xp, x):
        return xp.exp(x)

    def backward(self, xp, g, x, *, out):
        return (g * out,)


class Log(Op):
    __slots__ = ()
    name = "log"
    local = ("1/x",)

    def forward(self, xp, x):
        return xp.log(x)

    def backward(self, xp, g, x, *, out):
        return (g / x,)


class Sqrt(Op):
    __slots__ = ()
    name = "sqrt"
    local = ("1/(2·out)",)

    def forward(self, xp, x):
        return xp.sqrt(x)

    def backward(self, xp, g, x, *, out):
        return (g / (2 * out),)


class Abs(Op):
    __slots__ = ()
    name = "abs"
    local = ("sign(x)",)

    def forward(self, xp, x):
        return xp.abs(x)

    def backward(self, xp, g, x, *, out):
        return (g * xp.sign(x),)


class Sin(Op):
    __slots__ = ()
    name = "sin"
    local = ("cos x",)

    def forward(self, xp, x):
        return xp.sin(x)

    def backward(self, xp, g, x, *, out):
        return (g * xp.cos(x),)


class Cos(Op):
    __slots__ = ()
    name = "cos"
    local = ("-sin x",)

    def forward(self, xp, x):
        return xp.cos(x)

    def backward(self, xp, g, x, *, out):
        return (-g * xp.sin(x),)


class Tanh(Op):
    __slots__ = ()
    name = "tanh"
    local = ("1 - out²",)

    def forward(self, xp, x):
        return xp.tanh(x)

    def backward(self, xp, g, x, *, out):
        return (g * (1 - out * out),)


class Sigmoid(Op):
    """Computed as (1 + tanh(x/2)) / 2, which equals 1/(1+e^-x) but never overflows."""

    __slots__ = ()
    name = "sigmoid"
    local = ("out·(1 - out)",)

    def forward(self, xp, x):
        return 0.5 * (1 + xp.tanh(0.5 * x))

    def backward(self, xp, g, x, *, out):
        return (g * out * (1 - out),)


class Relu(Op):
    __slots__ = ()
    name = "relu"
    local = ("1 if x > 0 else 0",)

    def forward(self, xp, x):
        return xp.maximum(x, 0)

    def backward(self, xp, g, x, *, out):
        return (g * (x > 0),)


class LeakyRelu(Op):
    __slots__ = ()
    name = "leaky_relu"
    local = ("1 if x > 0 else slope",)

    def forward(self, xp, x):
        return xp.where(x > 0, x, x * self.attrs["negative_slope"])

    def backward(self, xp, g, x, *, out):
        return (xp.where(x > 0, g, g * self.attrs["negative_slope"]),)


class Gelu(Op):
    """GELU x·Φ(x); approximate="tanh" uses the tanh formula, as torch's option of that name."""

    __slots__ = ()
    name = "gelu"
    local = ("Φ(x) + x·φ(x)",)

    def forward(self, xp, x):
        if self.attrs["approximate"] == "tanh":
            return 0.5 * x * (1 + xp.tanh(_GELU_C * (x + 0.044715 * x * x * x)))
        return 0.5 * x * (1 + erf(xp, x * _SQRT_HALF))

    def backward(self, xp, g, x, *, out):
        if self.attrs["approximate"] == "tanh":
            inner = _GELU_C * (x + 0.044715 * x * x * x)
            th = xp.tanh(inner)
            d_inner = _GELU_C * (1 + 3 * 0.044715 * x * x)
            return (g * (0.5 * (1 + th) + 0.5 * x * (1 - th * th) * d_inner),)
        cdf = 0.5 * (1 + erf(xp, x * _SQRT_HALF))
        pdf = xp.exp(-0.5 * x * x) * _INV_SQRT_2PI
        return (g * (cdf + x * pdf),)


_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)
_GELU_C = math.sqrt(2 / math.pi)


class Softplus(Op):
    """log(1 + e^(βx))/β, linear above `threshold` like torch.nn.functional.softplus."""

    __slots__ = ()
    name = "softplus"
    local = ("sigmoid(βx)",)

    def forward(self, xp, x):
        beta, threshold = self.attrs["beta"], self.attrs["threshold"]
        bx = x * beta
        return xp.where(bx > threshold, x, xp.logaddexp(0, bx) / beta)

    def backward(self, xp, g, x, *, out):
        bx = x * self.attrs["beta"]
        sig = 0.5 * (1 + xp.tanh(0.5 * bx))
        return (xp.where(bx > self.attrs["threshold"], g, g * sig),)


class Clamp(Op):
    """Clip to [min, max] (either may be None); gradient passes where min <= x <= max, as in torch."""

    __slots__ = ()
    name = "clamp"
    local = ("1 inside [min, max], else 0",)

    def forward(self, xp, x):
        lo, hi = self.attrs["min"], self.attrs["max"]
        if lo is not None:
            x = xp.maximum(x, lo)
        if hi is not None:
            x = xp.minimum(x, hi)
        return x

    def backward(self, xp, g, x, *, out):
        lo, hi = self.attrs["min"], self.attrs["max"]
        if lo is not None:
            g = g * (x >= lo)
        if hi is not None:
            g = g * (x <= hi)
        return (g,)


class Maximum(Op):
    """Elementwise max of two tensors; on ties each side gets half the gradient (as torch.maximum)."""

    __slots__ = ()
    name = "maximum"
    local = ("1 where a wins (½ on ties)", "1 where b wins (½ on ties)")

    def forward(self, xp, a, b):
        return xp.maximum(a, b)

    def backward(self, xp, g, a, b, *, out):
        share = xp.where(a == b, g * 0.5, g * (a > b))
        return unbroadcast(xp, share, a.shape), unbroadcast(xp, g - share, b.shape)


class Minimum(Op):
    __slots__ = ()
    name = "minimum"
    local = ("1 where a wins (½ on ties)", "1 where b wins (½ on ties)")

    def forward(self, xp, a, b):
        return xp.minimum(a, b)

    def backward(self, xp, g, a, b, *, out):
        share = xp.where(a == b, g * 0.5, g * (a < b))
        return unbroadcast(xp, share, a.shape), unbroadcast(xp, g - share, b.shape)


class Where(Op):
    """where(cond, a, b): the condition gets no gradient; a and b get g where they were chosen."""

    __slots__ = ()
    name = "where"
    local = ("-", "cond", "not cond")

    def forward(self, xp, cond, a, b):
        return xp.where(cond, a, b)

    def backward(self, xp, g, cond, a, b, *, out):
        zero = xp.zeros_like(g)
        return (
            None,
            unbroadcast(xp, xp.where(cond, g, zero), a.shape),
            unbroadcast(xp, xp.where(cond, zero, g), b.shape),
        )


class Cast(Op):
    """Change dtype; the gradient is cast back to the input's dtype (none flows to integer inputs)."""

    __slots__ = ()
    name = "cast"
    local = ("1",)

    def forward(self, xp, x):
        return x.astype(self.attrs["dtype"])

    def backward(self, xp, g, x, *, out):
        if x.dtype.kind != "f":
            return (None,)
        return (call(xp, Cast(dtype=x.dtype.name), g),)


_COMPARISONS = {
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
    "eq": operator.eq,
    "ne": operator.ne,
    "and": operator.and_,
    "or": operator.or_,
    "xor": operator.xor,
}


class Compare(Op):
    """Comparisons and logical and/or/xor: boolean results, no gradient."""

    __slots__ = ()
    name = "compare"
    differentiable = False

    def forward(self, xp, a, b):
        return _COMPARISONS[self.attrs["kind"]](a, b)

    def describe_mismatch(self, *shapes):
        return f"{self.attrs['kind']}: shapes {' and '.join(map(str, shapes))} don't broadcast"

    def backward(self, xp, g, a, b, *, out):
        return None, None


class LogicalNot(Op):
    __slots__ = ()
    name = "logical_not"
    differentiable = False

    def forward(self, xp, x):
        return xp.logical_not(x)

    def backward(self, xp, g, x, *, out):
        return (None,)
