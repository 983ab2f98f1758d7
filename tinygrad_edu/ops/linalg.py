"""Matrix multiply with NumPy's rules: 1-D operands become a row/column, leading axes broadcast."""

from .base import Op, unbroadcast


def describe_matmul_mismatch(a_shape: tuple, b_shape: tuple) -> str | None:
    """The error text for incompatible matmul shapes, or None if they fit (checked before forward)."""
    if not a_shape or not b_shape:
        return f"matmul: {a_shape} @ {b_shape}: both operands need at least 1 dimension"
    inner_a = a_shape[-1]
    inner_b = b_shape[0] if len(b_shape) == 1 else b_shape[-2]
    if inner_a != inner_b:
        return f"matmul: {a_shape} @ {b_shape}: inner dimensions {inner_a} and {inner_b} differ"
    batch_a, batch_b = a_shape[:-2], b_shape[:-2]
    for x, y in zip(reversed(batch_a), reversed(batch_b)):
        if x != y and x != 1 and y != 1:
            return f"matmul: {a_shape} @ {b_shape}: batch dimensions {batch_a} and {batch_b} don't broadcast"
    return None


class MatMul(Op):
    __slots__ = ()
    name = "matmul"
    local = ("g @ bᵀ", "aᵀ @ g")
    uses_needs = True

    def forward(self, xp, a, b):
        return xp.matmul(a, b)

    def describe_mismatch(self, a_shape, b_shape):
        return describe_matmul_mismatch(a_shape, b_shape)

    def backward(self, xp, g, a, b, *, out, needs=(True, True)):
        if a.ndim == 2 and b.ndim == 2:
            return (g @ b.T if needs[0] else None), (a.T @ g if needs[1] else None)
        a2 = a.reshape((1,) + a.shape) if a.ndim == 1 else a
        b2 = b.reshape(b.shape + (1,)) if b.ndim == 1 else b
        g2 = g.reshape(g.shape[:-1] + (1,) + g.shape[-1:]) if a.ndim == 1 else g
        g2 = g2.reshape(g2.shape + (1,)) if b.ndim == 1 else g2
        ga = xp.matmul(g2, xp.swapaxes(b2, -1, -2))
        gb = xp.matmul(xp.swapaxes(a2, -1, -2), g2)
        return unbroadcast(xp, ga, a2.shape).reshape(a.shape), unbroadcast(xp, gb, b2.shape).reshape(b.shape)
