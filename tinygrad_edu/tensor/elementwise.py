"""Arithmetic, comparisons and elementwise functions as Tensor methods (`x + y`, `x.exp()`, `x @ w`).

Each method picks an op from `ops/elementwise.py` (or `ops/linalg.py`) and applies it through the
node's primitives (`_op1`, `_op2`, see core.py): the gradient rules live in the ops, not here.
Integer inputs to float functions (exp, log, /) are cast to the default float first, as in PyTorch.
"""
import numbers
import operator
from typing import TYPE_CHECKING

import numpy as np

from ..ops import elementwise as E
from ..ops import linalg as L
from . import dtypes, grad_mode

if TYPE_CHECKING:  # annotations only: core.py builds Tensor from this mixin
    from .core import Tensor

_ADD, _SUB, _MUL, _DIV, _POW = E.Add(), E.Sub(), E.Mul(), E.Div(), E.Pow()
_MAXIMUM, _MINIMUM, _MATMUL = E.Maximum(), E.Minimum(), L.MatMul()
_EXP, _LOG, _SQRT, _SIN, _COS, _TANH = E.Exp(), E.Log(), E.Sqrt(), E.Sin(), E.Cos(), E.Tanh()
_SIGMOID, _ABS, _RELU, _NEG = E.Sigmoid(), E.Abs(), E.Relu(), E.Neg()
_COMPARABLE = (numbers.Number, list, tuple, np.ndarray, np.generic)


class ElementwiseMethods:
    """Mixin of Tensor: operators and elementwise functions."""

    __slots__ = ()

    # ----- arithmetic -----
    def __add__(self, other) -> "Tensor":
        return self._op2(_ADD, other)

    def __radd__(self, other) -> "Tensor":
        return self._op2(_ADD, other, reflected=True)

    def __sub__(self, other) -> "Tensor":
        if self.array.dtype.kind == "b":
            self._no_bool_sub(other)
        return self._op2(_SUB, other)

    def __rsub__(self, other) -> "Tensor":
        if self.array.dtype.kind == "b":
            self._no_bool_sub(other)
        return self._op2(_SUB, other, reflected=True)

    def _no_bool_sub(self, other) -> None:
        if isinstance(other, (bool, np.bool_)) or self._is_tensor(other) and other.dtype.kind == "b":
            raise TypeError("sub: the - operator is not defined for two bool operands; use ^ (xor) or "
                            "logical operations, or convert with .int() first")

    def __mul__(self, other) -> "Tensor":
        return self._op2(_MUL, other)

    def __rmul__(self, other) -> "Tensor":
        return self._op2(_MUL, other, reflected=True)

    def __truediv__(self, other) -> "Tensor":
        a = self
        if self.dtype.kind != "f" and not (self._is_tensor(other) and other.dtype.kind == "f"):
            a = self._cast(dtypes.DEFAULT_FLOAT)
        return a._op2(_DIV, other)

    def __rtruediv__(self, other) -> "Tensor":
        b = self if self.dtype.kind == "f" else self._cast(dtypes.DEFAULT_FLOAT)
        return b._op2(_DIV, other, reflected=True)

    def __pow__(self, exponent) -> "Tensor":
        if isinstance(exponent, numbers.Real) and not isinstance(exponent, bool):
            x = self if self.dtype.kind == "f" or isinstance(exponent, numbers.Integral) else self.float()
            return x._op1(E.PowScalar(exponent=exponent))
        return self._op2(_POW, exponent)

    def __rpow__(self, base) -> "Tensor":
        if isinstance(base, numbers.Real) and base > 0:
            x = self if self.dtype.kind == "f" else self.float()
            return x._op1(E.RPowScalar(base=float(base)))
        return self._op2(_POW, base, reflected=True)

    def __neg__(self) -> "Tensor":
        if self.dtype.kind == "b":
            raise TypeError("neg: the - operator is not defined for bool tensors; to invert a mask use ~")
        return self._op1(_NEG)

    def __pos__(self) -> "Tensor":
        return self

    def __matmul__(self, other) -> "Tensor":
        return self._op2(_MATMUL, other)

    def __rmatmul__(self, other) -> "Tensor":
        return self._op2(_MATMUL, other, reflected=True)

    def add(self, other, alpha=1) -> "Tensor":
        return self + (other * alpha if alpha != 1 else other)

    def sub(self, other, alpha=1) -> "Tensor":
        return self - (other * alpha if alpha != 1 else other)

    def mul(self, other) -> "Tensor":
        return self * other

    def div(self, other) -> "Tensor":
        return self / other

    def pow(self, exponent) -> "Tensor":
        return self**exponent

    def neg(self) -> "Tensor":
        return -self

    def matmul(self, other) -> "Tensor":
        return self @ other

    # ----- comparisons and logic (no gradient) -----
    def _compare(self, kind: str, other) -> "Tensor":
        if not (self._is_tensor(other) or isinstance(other, _COMPARABLE)):
            return NotImplemented
        return self._op2(E.Compare(kind=kind), other)

    def __lt__(self, other) -> "Tensor":
        return self._compare("lt", other)

    def __le__(self, other) -> "Tensor":
        return self._compare("le", other)

    def __gt__(self, other) -> "Tensor":
        return self._compare("gt", other)

    def __ge__(self, other) -> "Tensor":
        return self._compare("ge", other)

    def __eq__(self, other) -> "Tensor":
        return self._compare("eq", other)

    def __ne__(self, other) -> "Tensor":
        return self._compare("ne", other)

    def _bitwise(self, kind: str, other) -> "Tensor":
        """&, |, ^ are defined for bool and integer tensors only (as in PyTorch)."""
        for value in (self, other):
            dtype = value.dtype if self._is_tensor(value) else None
            if dtype is not None and dtype.kind not in "biu" or isinstance(value, float):
                shown = dtype if dtype is not None else "a float"
                raise TypeError(f"{kind}: expected bool or integer operands, got {shown}")
        return self._compare(kind, other)

    def __and__(self, other) -> "Tensor":
        return self._bitwise("and", other)

    def __or__(self, other) -> "Tensor":
        return self._bitwise("or", other)

    def __xor__(self, other) -> "Tensor":
        return self._bitwise("xor", other)

    def __invert__(self) -> "Tensor":
        if self.dtype.kind != "b":
            raise TypeError(f"~: only bool tensors can be inverted, got {self.dtype}")
        return self._op1(E.LogicalNot())

    def eq(self, other) -> "Tensor":
        return self == other

    def ne(self, other) -> "Tensor":
        return self != other

    def lt(self, other) -> "Tensor":
        return self < other

    def le(self, other) -> "Tensor":
        return self <= other

    def gt(self, other) -> "Tensor":
        return self > other

    def ge(self, other) -> "Tensor":
        return self >= other

    # ----- in place (no graph: optimizer updates) -----
    def _inplace(self, symbol: str, fn, other) -> "Tensor":
        """x += y and friends change x's data in place, as PyTorch does for optimizer updates; on a tensor
        that is recording a graph they raise instead (backward would read overwritten values)."""
        if self.requires_grad and grad_mode.enabled:
            raise RuntimeError(
                f"{symbol}: in-place update of a tensor that requires grad while recording a graph; "
                f"wrap it in `with no_grad():` (an optimizer step) or write x = x {symbol[0]} y"
            )
        self.array = fn(self.array, self._operand_array(other, symbol))
        return self

    def __iadd__(self, other) -> "Tensor":
        return self._inplace("+=", operator.iadd, other)

    def __isub__(self, other) -> "Tensor":
        return self._inplace("-=", operator.isub, other)

    def __imul__(self, other) -> "Tensor":
        return self._inplace("*=", operator.imul, other)

    def __itruediv__(self, other) -> "Tensor":
        return self._inplace("/=", operator.itruediv, other)

    # ----- elementwise functions -----
    def _float_unary(self, op) -> "Tensor":
        x = self if self.array.dtype.kind == "f" else self._cast(dtypes.DEFAULT_FLOAT)
        return x._op1(op)

    def exp(self) -> "Tensor":
        return self._float_unary(_EXP)

    def log(self) -> "Tensor":
        return self._float_unary(_LOG)

    def sqrt(self) -> "Tensor":
        return self._float_unary(_SQRT)

    def rsqrt(self) -> "Tensor":
        return self.sqrt() ** -1

    def sin(self) -> "Tensor":
        return self._float_unary(_SIN)

    def cos(self) -> "Tensor":
        return self._float_unary(_COS)

    def tanh(self) -> "Tensor":
        return self._float_unary(_TANH)

    def sigmoid(self) -> "Tensor":
        return self._float_unary(_SIGMOID)

    def abs(self) -> "Tensor":
        return self._op1(_ABS)

    def relu(self) -> "Tensor":
        return self._op1(_RELU)

    def leaky_relu(self, negative_slope: float = 0.01) -> "Tensor":
        return self._float_unary(E.LeakyRelu(negative_slope=float(negative_slope)))

    def gelu(self, approximate: str = "none") -> "Tensor":
        if approximate not in ("none", "tanh"):
            raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
        return self._float_unary(E.Gelu(approximate=approximate))

    def softplus(self, beta: float = 1.0, threshold: float = 20.0) -> "Tensor":
        return self._float_unary(E.Softplus(beta=float(beta), threshold=float(threshold)))

    def clamp(self, min=None, max=None) -> "Tensor":
        if min is None and max is None:
            raise ValueError("clamp: at least one of min and max must be given")
        return self._op1(E.Clamp(min=min, max=max))

    clip = clamp

    def maximum(self, other) -> "Tensor":
        return self._op2(_MAXIMUM, other)

    def minimum(self, other) -> "Tensor":
        return self._op2(_MINIMUM, other)

    def square(self) -> "Tensor":
        x = self._cast(dtypes.int64) if self.dtype.kind == "b" else self  # as PyTorch: bool squares are ints
        return x * x

    def reciprocal(self) -> "Tensor":
        return 1 / self

    def sign(self) -> "Tensor":
        return self.detach().clone() if self.dtype.kind == "b" else self._untracked("sign")

    def where(self, condition, other) -> "Tensor":
        """x.where(condition, y): x where condition holds, else y (torch.where(condition, x, y))."""
        cond = self._lift(condition)
        if cond.dtype.kind != "b":
            raise TypeError(f"where: condition must be a bool tensor, got dtype {cond.dtype}")
        a, b = self._promoted(other)
        try:
            return cond._opn(E.Where(), a, b)
        except ValueError:
            raise ValueError(
                f"where: shapes {cond.shape}, {a.shape} and {b.shape} don't broadcast"
            ) from None
