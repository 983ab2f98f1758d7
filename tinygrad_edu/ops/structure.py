"""Ops that keep or move elements by position: the triangles of a matrix (tril, triu) and roll.

The triangle ops keep the elements on and below (tril) or on and above (triu) the `diagonal`-th
diagonal of the last two axes and zero the rest, so their gradient is the same triangle of g: the
causal masks of attention are built this way. roll shifts elements cyclically; its backward rolls
the gradient back.
"""
from .base import Op, call


class Tril(Op):
    """attrs: diagonal (0 = the main one, k > 0 k above it, k < 0 below it)."""

    __slots__ = ()
    name = "tril"
    local = ("1 on and below the diagonal, else 0",)

    def forward(self, xp, x):
        return xp.tril(x, self.attrs["diagonal"])

    def backward(self, xp, g, x, *, out):
        return (call(xp, type(self)(**self.attrs), g),)


class Triu(Tril):
    __slots__ = ()
    name = "triu"
    local = ("1 on and above the diagonal, else 0",)

    def forward(self, xp, x):
        return xp.triu(x, self.attrs["diagonal"])


class Roll(Op):
    """attrs: shifts and dims (tuples of equal length), or dims None to roll the flattened tensor."""

    __slots__ = ()
    name = "roll"
    local = ("1 (rolled back)",)

    def forward(self, xp, x):
        shifts, dims = self.attrs["shifts"], self.attrs["dims"]
        return xp.roll(x, shifts[0] if dims is None else shifts, axis=dims)

    def backward(self, xp, g, x, *, out):
        back = Roll(shifts=tuple(-s for s in self.attrs["shifts"]), dims=self.attrs["dims"])
        return (call(xp, back, g),)
