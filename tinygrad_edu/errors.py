"""The library's own exception classes.

Why two bases each: NumPy users (and this library's older code) catch `ValueError` for a shape that
does not fit and `TypeError` for a wrong dtype, while PyTorch code catches `RuntimeError` for both (and
for an integer division by zero); so a `ShapeError` is a RuntimeError and a ValueError, a `DTypeError`
a RuntimeError and a TypeError, a `DivisionByZeroError` a RuntimeError and a ZeroDivisionError, and
either habit works here. Messages name the op and what it was given.
"""


class ShapeError(RuntimeError, ValueError):
    """Tensor shapes that do not fit an op (the message names the op and the shapes)."""


class DTypeError(RuntimeError, TypeError):
    """A dtype an op cannot take or produce, e.g. an in-place float result into an integer tensor."""


class DivisionByZeroError(RuntimeError, ZeroDivisionError):
    """An integer tensor divided by zero (//, %, fmod, div with rounding_mode): no integer result."""
