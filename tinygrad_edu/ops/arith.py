"""Two-input elementwise ops beyond + - * /: atan2, the two remainders, and rounded division.

Like the ops in elementwise.py they broadcast, and their backward sums each gradient back to its
input's shape. The remainders differ in sign: `fmod` (C's) takes the dividend's sign, `remainder`
(Python's %) the divisor's; so their gradients w.r.t. the divisor use trunc(a/b) and floor(a/b).
"""
from typing import Any

from .base import Op, unbroadcast


class Atan2(Op):
    """atan2(a, b): the angle of the point (b, a); the gradient at the origin is 0, as in PyTorch."""

    __slots__ = ()
    name = "atan2"
    local = ("b/(a² + b²)", "-a/(a² + b²)")

    def forward(self, xp, a, b):
        return xp.arctan2(a, b)

    def backward(self, xp, g, a, b, *, out):
        square = a * a + b * b
        origin = square == 0
        scale = xp.where(origin, 0, g / xp.where(origin, 1, square))
        return unbroadcast(xp, scale * b, a.shape), unbroadcast(xp, -scale * a, b.shape)


class Fmod(Op):
    """a - b·trunc(a/b): the remainder with the sign of a (C's fmod, torch.fmod)."""

    __slots__ = ()
    name = "fmod"
    local = ("1", "-trunc(a/b)")

    def forward(self, xp, a, b):
        return xp.fmod(a, b)

    def backward(self, xp, g, a, b, *, out):
        return unbroadcast(xp, g, a.shape), unbroadcast(xp, -g * xp.trunc(a / b), b.shape)


class Remainder(Op):
    """a - b·floor(a/b): the remainder with the sign of b (Python's %, torch.remainder)."""

    __slots__ = ()
    name = "remainder"
    local = ("1", "-floor(a/b)")

    def forward(self, xp, a, b):
        return xp.remainder(a, b)

    def backward(self, xp, g, a, b, *, out):
        return unbroadcast(xp, g, a.shape), unbroadcast(xp, -g * xp.floor(a / b), b.shape)


def rounded_quotient(xp, a, b, mode: str) -> Any:
    """a / b rounded down ("floor", as Python's //) or toward zero ("trunc"), exactly for integers."""
    if mode == "floor":
        return xp.floor_divide(a, b)
    if a.dtype.kind == "f":
        return xp.trunc(a / b)
    return (a - xp.fmod(a, b)) // b


class RoundedDiv(Op):
    """div(a, b, rounding_mode="floor" | "trunc"): flat between the jumps, so zero gradients (as PyTorch)."""

    __slots__ = ()
    name = "div"
    local = ("0", "0")

    def forward(self, xp, a, b):
        return rounded_quotient(xp, a, b, self.attrs["rounding_mode"])

    def backward(self, xp, g, a, b, *, out):
        return unbroadcast(xp, xp.zeros_like(g), a.shape), unbroadcast(xp, xp.zeros_like(g), b.shape)


class FloorDivide(Op):
    """a // b. PyTorch defines no derivative for floor_divide, so its result carries no gradient here;
    div(a, b, rounding_mode="floor") gives the same values with (zero) gradients."""

    __slots__ = ()
    name = "floor_divide"
    differentiable = False

    def forward(self, xp, a, b):
        return xp.floor_divide(a, b)

    def backward(self, xp, g, a, b, *, out):
        return None, None
