"""Activation functions beyond ReLU/tanh/sigmoid/GELU (elementwise.py): the ELU family, SiLU, Mish and
hardtanh. Forward values and gradients follow PyTorch, including which side a kink takes (ELU's
gradient at 0 is the negative side's, hardtanh passes no gradient at its limits).
"""
from .base import Op


class Elu(Op):
    """scale·x for x > 0, scale·alpha·(e^(input_scale·x) - 1) otherwise: ELU (scale = input_scale = 1),
    SELU (fixed alpha and scale) and CELU (input_scale = 1/alpha) are this one op."""

    __slots__ = ()
    name = "elu"
    local = ("scale if x > 0 else scale·alpha·input_scale·e^(input_scale·x)",)

    def forward(self, xp, x):
        alpha, scale, inner = self.attrs["alpha"], self.attrs["scale"], self.attrs["input_scale"]
        return xp.where(x > 0, x * scale, xp.expm1(x * inner) * (alpha * scale))

    def backward(self, xp, g, x, *, out):
        alpha, scale, inner = self.attrs["alpha"], self.attrs["scale"], self.attrs["input_scale"]
        return (xp.where(x > 0, g * scale, g * (alpha * scale * inner) * xp.exp(x * inner)),)


class Silu(Op):
    """x·sigmoid(x) (also called swish)."""

    __slots__ = ()
    name = "silu"
    local = ("s·(1 + x·(1 - s)), s = sigmoid(x)",)

    def forward(self, xp, x):
        return x * (0.5 * (1 + xp.tanh(0.5 * x)))

    def backward(self, xp, g, x, *, out):
        s = 0.5 * (1 + xp.tanh(0.5 * x))
        return (g * s * (1 + x * (1 - s)),)


class Mish(Op):
    """x·tanh(softplus(x))."""

    __slots__ = ()
    name = "mish"
    local = ("t + x·sigmoid(x)·(1 - t²), t = tanh(softplus(x))",)

    def forward(self, xp, x):
        return x * xp.tanh(xp.logaddexp(0, x))

    def backward(self, xp, g, x, *, out):
        t = xp.tanh(xp.logaddexp(0, x))
        s = 0.5 * (1 + xp.tanh(0.5 * x))
        return (g * (t + x * s * (1 - t * t)),)


class Hardtanh(Op):
    """x clipped to [min_val, max_val]; the gradient passes strictly inside (unlike clamp's, which
    also passes at the limits), as torch.nn.functional.hardtanh."""

    __slots__ = ()
    name = "hardtanh"
    local = ("1 inside (min_val, max_val), else 0",)

    def forward(self, xp, x):
        return xp.minimum(xp.maximum(x, self.attrs["min_val"]), self.attrs["max_val"])

    def backward(self, xp, g, x, *, out):
        return (g * ((x > self.attrs["min_val"]) & (x < self.attrs["max_val"])),)
