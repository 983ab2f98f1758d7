"""The library's own exception classes.

Why both bases: NumPy users (and this library's older code) catch `ValueError` for a shape that does
not fit, while PyTorch code catches `RuntimeError`; a `ShapeError` is both, so either works here.
"""


class ShapeError(RuntimeError, ValueError):
    """Tensor shapes that do not fit an op (the message names the op and the shapes)."""
