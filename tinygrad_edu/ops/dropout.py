"""Inverted dropout with the random mask as an input, so the op stays pure (re-running it, tracing it
into a static graph or animating it gives the same numbers).

out = x * mask / (1 - p): the kept units are scaled up during training so that the expected value of
each unit matches evaluation mode, where dropout does nothing. The mask (1 keep, 0 drop, in x's dtype)
is drawn by the Tensor-level `dropout` from the library's seeded generator.
"""
from .base import Op


def keep_scale(p: float) -> float:
    """1 / (1 - p), and 0 when everything is dropped (p = 1), as PyTorch returns zeros then."""
    return 0.0 if p >= 1 else 1.0 / (1.0 - p)


class Dropout(Op):
    """attrs: p (drop probability). Inputs: x and the 0/1 mask of the same shape."""

    __slots__ = ()
    name = "dropout"
    local = ("mask / (1 - p)", "none (the mask is not learned)")

    def forward(self, xp, x, mask):
        return x * (mask * keep_scale(self.attrs["p"]))

    def backward(self, xp, g, x, mask, *, out):
        return g * (mask * keep_scale(self.attrs["p"])), None
