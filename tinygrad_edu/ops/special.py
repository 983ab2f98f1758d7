"""The error function erf(x) = 2/√π ∫₀ˣ e^(-t²) dt: behind exact GELU and `erf()`.

NumPy has no erf, so `erf(xp, x)` asks the backend for its special functions (SciPy's on the cpu,
CuPy's on the GPU), and the Tensor namespace records the `Erf` op (create_graph). An array module
with neither (the strict test device) gets it from elementary functions, accurate to about 1e-16:

- |x| < 2: the series erf(x) = 2/√π · e^(-x²) · Σₙ (2x²)ⁿ x / (1·3·5···(2n+1)), whose terms are all
  positive (no cancellation); 30 terms reach double precision at x = 2.
- |x| >= 2: erf(x) = 1 - erfc(x), with Laplace's continued fraction
  erfc(x) = e^(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), 40 levels deep.
"""
import math
from typing import Any

from .. import backend
from .base import Op

_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)
_INV_SQRT_PI = 1 / math.sqrt(math.pi)
_SERIES_TERMS, _FRACTION_DEPTH, _SPLIT = 30, 40, 2.0


def erf(xp, x) -> Any:
    """erf of an array (or, with the Tensor namespace as xp, of a Tensor)."""
    native = getattr(xp, "erf", None)
    if native is None:
        special = backend.special_functions(xp)
        native = None if special is None else special.erf
    return native(x) if native is not None else _erf_elementary(xp, x)


def _erf_elementary(xp, x):
    a = xp.abs(x)
    small = xp.minimum(a, _SPLIT)  # each branch runs on inputs clipped to its own range
    t = 2 * small * small
    total = xp.ones_like(small)
    for n in range(_SERIES_TERMS - 1, 0, -1):
        total = 1 + total * t / (2 * n + 1)
    series = _TWO_OVER_SQRT_PI * xp.exp(-small * small) * small * total
    large = xp.maximum(a, _SPLIT)
    tail = xp.zeros_like(large)
    for k in range(_FRACTION_DEPTH, 0, -1):
        tail = (k / 2) / (large + tail)
    erfc = xp.exp(-large * large) * _INV_SQRT_PI / (large + tail)
    return xp.sign(x) * xp.where(a < _SPLIT, series, 1 - erfc)


class Erf(Op):
    __slots__ = ()
    name = "erf"
    local = ("2/√π·e^(-x²)",)

    def forward(self, xp, x):
        return erf(xp, x)

    def backward(self, xp, g, x, *, out):
        return (g * _TWO_OVER_SQRT_PI * xp.exp(-x * x),)
