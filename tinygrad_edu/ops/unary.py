"""More one-input elementwise ops: trigonometric and hyperbolic functions and their inverses, logarithms
in other bases, log1p/expm1 (accurate near 0), and rounding.

Gradients are PyTorch's formulas, including its edge values: asin'(±1) = inf, atanh'(±1) = inf,
acosh'(1) = inf. Rounding (floor, ceil, round, trunc) is flat almost everywhere, so its gradient is
zero, as in PyTorch; frac = x - trunc(x) has gradient 1.
"""
import math

from .base import Op

_LN2, _LN10 = math.log(2.0), math.log(10.0)


class Tan(Op):
    __slots__ = ()
    name = "tan"
    local = ("1 + out²",)

    def forward(self, xp, x):
        return xp.tan(x)

    def backward(self, xp, g, x, *, out):
        return (g * (1 + out * out),)


class Asin(Op):
    __slots__ = ()
    name = "asin"
    local = ("1/√(1 - x²)",)

    def forward(self, xp, x):
        return xp.arcsin(x)

    def backward(self, xp, g, x, *, out):
        return (g / xp.sqrt(1 - x * x),)


class Acos(Op):
    __slots__ = ()
    name = "acos"
    local = ("-1/√(1 - x²)",)

    def forward(self, xp, x):
        return xp.arccos(x)

    def backward(self, xp, g, x, *, out):
        return (-g / xp.sqrt(1 - x * x),)


class Atan(Op):
    __slots__ = ()
    name = "atan"
    local = ("1/(1 + x²)",)

    def forward(self, xp, x):
        return xp.arctan(x)

    def backward(self, xp, g, x, *, out):
        return (g / (1 + x * x),)


class Sinh(Op):
    __slots__ = ()
    name = "sinh"
    local = ("cosh x",)

    def forward(self, xp, x):
        return xp.sinh(x)

    def backward(self, xp, g, x, *, out):
        return (g * xp.cosh(x),)


class Cosh(Op):
    __slots__ = ()
    name = "cosh"
    local = ("sinh x",)

    def forward(self, xp, x):
        return xp.cosh(x)

    def backward(self, xp, g, x, *, out):
        return (g * xp.sinh(x),)


class Asinh(Op):
    __slots__ = ()
    name = "asinh"
    local = ("1/√(x² + 1)",)

    def forward(self, xp, x):
        return xp.arcsinh(x)

    def backward(self, xp, g, x, *, out):
        return (g / xp.sqrt(x * x + 1),)


class Acosh(Op):
    __slots__ = ()
    name = "acosh"
    local = ("1/√(x² - 1)",)

    def forward(self, xp, x):
        return xp.arccosh(x)

    def backward(self, xp, g, x, *, out):
        return (g / xp.sqrt(x * x - 1),)


class Atanh(Op):
    __slots__ = ()
    name = "atanh"
    local = ("1/(1 - x²)",)

    def forward(self, xp, x):
        return xp.arctanh(x)

    def backward(self, xp, g, x, *, out):
        return (g / (1 - x * x),)


class Log2(Op):
    __slots__ = ()
    name = "log2"
    local = ("1/(x·ln 2)",)

    def forward(self, xp, x):
        return xp.log2(x)

    def backward(self, xp, g, x, *, out):
        return (g / (x * _LN2),)


class Log10(Op):
    __slots__ = ()
    name = "log10"
    local = ("1/(x·ln 10)",)

    def forward(self, xp, x):
        return xp.log10(x)

    def backward(self, xp, g, x, *, out):
        return (g / (x * _LN10),)


class Log1p(Op):
    """log(1 + x), without the rounding error that 1 + x makes for tiny x."""

    __slots__ = ()
    name = "log1p"
    local = ("1/(1 + x)",)

    def forward(self, xp, x):
        return xp.log1p(x)

    def backward(self, xp, g, x, *, out):
        return (g / (1 + x),)


class Expm1(Op):
    """e^x - 1, accurate for tiny x."""

    __slots__ = ()
    name = "expm1"
    local = ("out + 1",)

    def forward(self, xp, x):
        return xp.expm1(x)

    def backward(self, xp, g, x, *, out):
        return (g * (out + 1),)


class _Rounding(Op):
    """Shared backward of floor, ceil, trunc and round: flat between the jumps, so zero gradient."""

    __slots__ = ()
    local = ("0",)

    def backward(self, xp, g, x, *, out):
        return (xp.zeros_like(g),)


class Floor(_Rounding):
    __slots__ = ()
    name = "floor"

    def forward(self, xp, x):
        return xp.floor(x)


class Ceil(_Rounding):
    __slots__ = ()
    name = "ceil"

    def forward(self, xp, x):
        return xp.ceil(x)


class Trunc(_Rounding):
    __slots__ = ()
    name = "trunc"

    def forward(self, xp, x):
        return xp.trunc(x)


class Round(_Rounding):
    """Half to even (round(0.5) = 0, round(2.5) = 2), to `decimals` places, as torch.round."""

    __slots__ = ()
    name = "round"

    def forward(self, xp, x):
        return xp.round(x, self.attrs["decimals"])


class Frac(Op):
    __slots__ = ()
    name = "frac"
    local = ("1",)

    def forward(self, xp, x):
        return x - xp.trunc(x)

    def backward(self, xp, g, x, *, out):
        return (g,)
