"""More elementwise math as Tensor methods: trigonometric and hyperbolic functions, logarithms, erf,
rounding, remainders and rounded division, lerp, closeness tests, and the activations that
nn.functional offers (elu, selu, silu, mish, hardtanh, softsign, ...).

Each method applies an op from ops/unary.py, ops/arith.py, ops/activation.py or ops/special.py
through the node's primitives; the gradient rules sit beside each op's forward. Integer inputs to
float functions become the default float type first, as in PyTorch; rounding an integer tensor
returns a copy; integer division by zero raises DivisionByZeroError (a RuntimeError, as PyTorch's,
and a ZeroDivisionError).
"""
from ..errors import DivisionByZeroError
from ..ops import activation as A
from ..ops import arith as R
from ..ops import special as SP
from ..ops import unary as U

_TAN, _ASIN, _ACOS, _ATAN = U.Tan(), U.Asin(), U.Acos(), U.Atan()
_SINH, _COSH, _ASINH, _ACOSH, _ATANH = U.Sinh(), U.Cosh(), U.Asinh(), U.Acosh(), U.Atanh()
_LOG2, _LOG10, _LOG1P, _EXPM1, _ERF = U.Log2(), U.Log10(), U.Log1p(), U.Expm1(), SP.Erf()
_FLOOR, _CEIL, _TRUNC, _FRAC = U.Floor(), U.Ceil(), U.Trunc(), U.Frac()
_ATAN2, _FMOD, _REMAINDER, _FLOOR_DIVIDE = R.Atan2(), R.Fmod(), R.Remainder(), R.FloorDivide()
_SILU, _MISH = A.Silu(), A.Mish()
# SELU's constants, chosen (Klambauer et al., 2017) so that activations keep mean 0 and variance 1
SELU_ALPHA, SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


class MathMethods:
    """Mixin of Tensor: more elementwise functions."""

    __slots__ = ()

    # ----- trigonometric, hyperbolic, logarithms, erf -----
    def tan(self):
        return self._float_unary(_TAN)

    def asin(self):
        return self._float_unary(_ASIN)

    def acos(self):
        return self._float_unary(_ACOS)

    def atan(self):
        return self._float_unary(_ATAN)

    def sinh(self):
        return self._float_unary(_SINH)

    def cosh(self):
        return self._float_unary(_COSH)

    def asinh(self):
        return self._float_unary(_ASINH)

    def acosh(self):
        return self._float_unary(_ACOSH)

    def atanh(self):
        return self._float_unary(_ATANH)

    arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh

    def log2(self):
        return self._float_unary(_LOG2)

    def log10(self):
        return self._float_unary(_LOG10)

    def log1p(self):
        return self._float_unary(_LOG1P)

    def expm1(self):
        return self._float_unary(_EXPM1)

    def erf(self):
        return self._float_unary(_ERF)

    def erfc(self):
        return 1 - self.erf()

    # ----- rounding (zero gradient) -----
    def _rounded(self, op):
        return self.clone() if self.dtype.kind in "iub" else self._op1(op)

    def floor(self):
        return self._rounded(_FLOOR)

    def ceil(self):
        return self._rounded(_CEIL)

    def trunc(self):
        return self._rounded(_TRUNC)

    fix = trunc

    def round(self, decimals: int = 0):
        return self._rounded(U.Round(decimals=int(decimals)))

    def frac(self):
        return self._float_unary(_FRAC)

    # ----- remainders and rounded division -----
    def _integer_division(self, op, other, where: str, reflected: bool = False):
        a, b = self._promoted(other)
        if reflected:
            a, b = b, a
        if a.dtype.kind in "iub" and bool((b == 0).any()):
            raise DivisionByZeroError(f"{where}: integer division by zero")
        return a._op2(op, b)

    def fmod(self, other):
        return self._integer_division(_FMOD, other, "fmod")

    def remainder(self, other):
        return self._integer_division(_REMAINDER, other, "remainder")

    def __mod__(self, other):
        return self._integer_division(_REMAINDER, other, "%")

    def __rmod__(self, other):
        return self._integer_division(_REMAINDER, other, "%", reflected=True)

    def floor_divide(self, other):
        return self._integer_division(_FLOOR_DIVIDE, other, "floor_divide")

    def __floordiv__(self, other):
        return self._integer_division(_FLOOR_DIVIDE, other, "//")

    def __rfloordiv__(self, other):
        return self._integer_division(_FLOOR_DIVIDE, other, "//", reflected=True)

    def _rounded_div(self, other, rounding_mode: str):
        if rounding_mode not in ("floor", "trunc"):
            raise ValueError(f"div: rounding_mode must be None, 'floor' or 'trunc', got {rounding_mode!r}")
        return self._integer_division(R.RoundedDiv(rounding_mode=rounding_mode), other, "div")

    def atan2(self, other):
        a, b = self._promoted(other)
        if a.dtype.kind != "f":
            a, b = a.float(), b.float()
        return a._op2(_ATAN2, b)

    arctan2 = atan2

    # ----- interpolation and comparisons with tolerance -----
    def lerp(self, end, weight):
        """self + weight·(end - self); `weight` a number or a tensor (both get gradients)."""
        return self + weight * (end - self)

    def isclose(self, other, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False):
        """|self - other| <= atol + rtol·|other| elementwise (a bool tensor, no gradient)."""
        a, b = (t.detach() for t in self._promoted(other))
        finite = a.isfinite() & b.isfinite()  # infinities are close only to themselves, as in PyTorch
        a_in, b_in = a.where(finite, 0), b.where(finite, 0)
        close = ((a_in - b_in).abs() <= atol + rtol * b_in.abs()) & finite | (a == b)
        return close | (a.isnan() & b.isnan()) if equal_nan else close

    def allclose(self, other, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
        return bool(self.isclose(other, rtol, atol, equal_nan).all())

    def isfinite(self):
        return self._untracked("isfinite")

    def isinf(self):
        return self._untracked("isinf")

    def isnan(self):
        return self._untracked("isnan")

    def equal(self, other) -> bool:
        """True when both have the same shape and the same values (torch.equal)."""
        return self.shape == other.shape and bool((self == other).all())

    def clamp_min(self, min):
        return self.clamp(min=min)

    def clamp_max(self, max):
        return self.clamp(max=max)

    # ----- logical functions (bool results, no gradient) -----
    def logical_not(self):
        return ~self.bool()

    def logical_and(self, other):
        return self.bool() & self._lift(other).bool()

    def logical_or(self, other):
        return self.bool() | self._lift(other).bool()

    def logical_xor(self, other):
        return self.bool() ^ self._lift(other).bool()

    # ----- activations (nn.functional builds on these) -----
    def elu(self, alpha: float = 1.0):
        return self._float_unary(A.Elu(alpha=float(alpha), scale=1.0, input_scale=1.0))

    def selu(self):
        return self._float_unary(A.Elu(alpha=SELU_ALPHA, scale=SELU_SCALE, input_scale=1.0))

    def celu(self, alpha: float = 1.0):
        if alpha == 0:
            raise ValueError("celu: alpha must not be 0")
        return self._float_unary(A.Elu(alpha=float(alpha), scale=1.0, input_scale=1.0 / alpha))

    def silu(self):
        return self._float_unary(_SILU)

    def mish(self):
        return self._float_unary(_MISH)

    def hardtanh(self, min_val: float = -1.0, max_val: float = 1.0):
        if min_val > max_val:
            raise ValueError(f"hardtanh: min_val {min_val} is greater than max_val {max_val}")
        return self._float_unary(A.Hardtanh(min_val=float(min_val), max_val=float(max_val)))

    def relu6(self):
        return self.hardtanh(0.0, 6.0)

    def softsign(self):
        return self / (self.abs() + 1)

    def logsigmoid(self):
        return -(-self).softplus(threshold=float("inf"))
