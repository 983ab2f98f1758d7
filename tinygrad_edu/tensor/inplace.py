"""In-place methods (`add_`, `mul_`, `fill_`, `copy_`, `normal_`, ...) and the `x += y` operators.

They write into the tensor's own array, so every tensor sharing that array sees the change:
`p.data.add_(g)` changes p, because `p.data` shares p's memory (as in PyTorch).

The rules, and where they differ from PyTorch:
- While gradients are recorded, a leaf that requires grad refuses in-place changes (PyTorch's rule);
  optimizer steps and hand-written updates run under `no_grad()`.
- Where PyTorch would record the in-place op in the graph (the tensor is a non-leaf that requires grad,
  or the new values require grad), tinygrad_edu has no in-place nodes and keeps no version counters:
  its nodes read their inputs' arrays again during backward, so overwriting one would silently give
  wrong gradients. There the methods raise and say how to write it out of place, and the operators
  (`+=`, `*=`, ...) compute out of place and rebind the name, which is what `out += identity` in a
  ResNet block needs.
- Not caught (PyTorch's version counters catch it): changing in place a tensor that does *not*
  require grad after a recorded op has used it; backward then reads the new values.
"""
import numpy as np

from .. import backend
from ..errors import DTypeError, ShapeError
from . import grad_mode
from .random import numpy_rng

_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}


def _leaf_error(where: str) -> RuntimeError:
    return RuntimeError(
        f"{where}: in-place update of a leaf tensor that requires grad while gradients are recorded "
        "(PyTorch: 'a leaf Variable that requires grad is being used in an in-place operation'); "
        "do it inside `with no_grad():`, as an optimizer step does"
    )


def _recorded_error(where: str) -> RuntimeError:
    return RuntimeError(
        f"{where}: in-place update of a tensor that requires grad (or with a value that does) while "
        "gradients are recorded: tinygrad_edu records no in-place ops (it keeps no version counters, so "
        "backward would read overwritten values); write it out of place (x = x + y, x = x.relu(), "
        "torch.where(...)), or do it inside `with no_grad():`"
    )


class InplaceMethods:
    """Mixin of Tensor: methods that change the tensor's own values."""

    __slots__ = ()

    # ----- the rules and the one write -----
    def _may_write(self, where: str, value=None) -> bool:
        """True where the change may go into the array; False where it would have to be recorded."""
        if not grad_mode.enabled:
            return True
        if self.requires_grad and self._op is None:
            raise _leaf_error(where)
        return not (self.requires_grad or (self._is_tensor(value) and value.requires_grad))

    def _writable(self, where: str, value=None) -> None:
        if not self._may_write(where, value):
            raise _recorded_error(where)

    def _store(self, where: str, result, cast: bool = False):
        """Write `result` (a Tensor of the new values) into this tensor's array, as PyTorch checks it:
        the shape may not grow, and (unless `cast`) the dtype may not move up a kind (float into int)."""
        if result.shape != self.shape:
            raise ShapeError(
                f"{where}: the result has shape {result.shape}, which does not fit this tensor's shape "
                f"{self.shape} (an in-place op cannot change the shape)"
            )
        if not cast and _CATEGORY[result.dtype.kind] > _CATEGORY[self.dtype.kind]:
            raise DTypeError(
                f"{where}: result type {result.dtype} can't be cast to this tensor's dtype {self.dtype}"
            )
        return self._write(where, result.array)

    def _write(self, where: str, values):
        """The one write into the array (NumPy assignment: broadcast, cast to this dtype)."""
        try:
            self.array[...] = values
        except ValueError as err:  # a broadcast view (expand) is read-only
            raise RuntimeError(
                f"{where}: cannot write into this tensor ({err}); an expanded tensor shares its elements, "
                "clone() it first"
            ) from None
        return self

    def _update(self, where: str, compute, value=None):
        """Apply `compute(values) -> Tensor` to this tensor's values and write the result back."""
        self._writable(where, value)
        try:
            result = compute(self.detach())
        except ShapeError:
            shape = value.shape if self._is_tensor(value) else np.shape(value)
            raise ShapeError(f"{where}: shapes {self.shape} and {tuple(shape)} don't broadcast") from None
        return self._store(where, result)

    # ----- arithmetic -----
    def add_(self, other, alpha=1):
        if self._is_tensor(alpha) and not self._is_tensor(other):  # the old add_(alpha, other) form
            other, alpha = alpha, other
        return self._update("add_", lambda x: x.add(other, alpha=alpha), other)

    def sub_(self, other, alpha=1):
        if self._is_tensor(alpha) and not self._is_tensor(other):
            other, alpha = alpha, other
        return self._update("sub_", lambda x: x.sub(other, alpha=alpha), other)

    def mul_(self, other):
        return self._update("mul_", lambda x: x * other, other)

    def div_(self, other, rounding_mode=None):
        return self._update("div_", lambda x: x.div(other, rounding_mode=rounding_mode), other)

    def pow_(self, exponent):
        return self._update("pow_", lambda x: x ** exponent, exponent)

    def clamp_(self, min=None, max=None):
        return self._update("clamp_", lambda x: x.clamp(min, max))

    clip_ = clamp_

    def masked_fill_(self, mask, value):
        return self._update("masked_fill_", lambda x: x.masked_fill(mask, value), value)

    def lerp_(self, end, weight):
        return self._update("lerp_", lambda x: x.lerp(end, weight), end)

    # ----- operators: in place where allowed, else out of place (Python rebinds the name) -----
    def _operator(self, symbol: str, fn, other):
        if not self._may_write(symbol, other):
            return fn(self, other)
        try:
            result = fn(self.detach(), other)
        except ShapeError:
            shape = other.shape if self._is_tensor(other) else np.shape(other)
            raise ShapeError(f"{symbol}: shapes {self.shape} and {tuple(shape)} don't broadcast") from None
        return self._store(symbol, result)

    def __iadd__(self, other):
        return self._operator("+=", lambda x, y: x + y, other)

    def __isub__(self, other):
        return self._operator("-=", lambda x, y: x - y, other)

    def __imul__(self, other):
        return self._operator("*=", lambda x, y: x * y, other)

    def __itruediv__(self, other):
        return self._operator("/=", lambda x, y: x / y, other)

    def __ifloordiv__(self, other):
        return self._operator("//=", lambda x, y: x // y, other)

    def __imod__(self, other):
        return self._operator("%=", lambda x, y: x % y, other)

    def __ipow__(self, other):
        return self._operator("**=", lambda x, y: x**y, other)

    # ----- filling -----
    def zero_(self):
        return self.fill_(0)

    def fill_(self, value):
        self._writable("fill_", value)
        return self._write("fill_", value.item() if self._is_tensor(value) else value)

    def copy_(self, src, non_blocking=False):
        """Copy src's values in (broadcast to this shape, cast to this dtype, moved from src's device)."""
        self._writable("copy_", src)
        data = src.array if self._is_tensor(src) else self._lift(src).array
        try:
            fits = np.broadcast_shapes(tuple(data.shape), self.shape) == self.shape
        except ValueError:
            fits = False
        if not fits:
            raise ShapeError(f"copy_: a source of shape {tuple(data.shape)} does not broadcast to this "
                             f"tensor's shape {self.shape}")
        return self._write("copy_", backend.to_device(data, self.device))

    def _fill_random(self, where: str, draw):
        self._writable(where)
        if self.dtype.kind != "f":
            raise DTypeError(f"{where}: expected a floating point tensor, got dtype {self.dtype}")
        drawn = np.asarray(draw(self.shape)).astype(self.dtype)
        return self._write(where, backend.to_device(drawn, self.device))

    def normal_(self, mean=0.0, std=1.0, *, generator=None):
        rng = numpy_rng(generator, "normal_")
        return self._fill_random("normal_", lambda shape: rng.normal(mean, std, size=shape))

    def uniform_(self, a=0.0, b=1.0, *, generator=None):
        rng = numpy_rng(generator, "uniform_")
        return self._fill_random("uniform_", lambda shape: rng.uniform(a, b, size=shape))

    def bernoulli_(self, p=0.5, *, generator=None):
        rng = numpy_rng(generator, "bernoulli_")
        p = p.numpy() if self._is_tensor(p) else p
        return self._fill_random("bernoulli_", lambda shape: rng.random(shape) < p)

    def exponential_(self, lambd=1.0, *, generator=None):
        rng = numpy_rng(generator, "exponential_")
        return self._fill_random("exponential_", lambda shape: rng.exponential(1 / lambd, size=shape))


def _unary_inplace(name: str):
    def method(self):
        return self._update(f"{name}_", lambda x: getattr(x, name)())

    method.__name__ = method.__qualname__ = f"{name}_"
    method.__doc__ = f"x.{name}_() writes x.{name}() into x."
    return method


# x.relu_(), x.exp_(), ...: the out-of-place method, written back (one implementation of each function)
for _name in ("neg", "abs", "exp", "log", "sqrt", "sigmoid", "tanh", "relu", "floor", "ceil", "round",
              "trunc", "sin", "cos", "reciprocal", "square", "sign"):
    setattr(InplaceMethods, f"{_name}_", _unary_inplace(_name))

