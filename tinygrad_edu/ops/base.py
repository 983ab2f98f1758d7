"""The `Op` contract: one small class per primitive, forward and backward side by side.

Every part of tinygrad_edu uses these classes: the Tensor engine, the gradient checker, the graph
drawings and (later) static graphs. So an op must be:

- re-runnable from its attributes: `type(op)(**op.attrs).forward(xp, *arrays)` gives the same result;
  `attrs` holds plain, JSON-able data (ints, floats, strings, tuples, None);
- pure: the result depends only on the inputs and attrs (randomness arrives as an input, e.g. a mask);
- array-module agnostic: `xp` is numpy, cupy, the strict test backend, or, for `create_graph=True`,
  `tinygrad_edu.tensor.graph_xp` (a NumPy-like namespace over Tensors). Ops never import numpy for math.

`backward(xp, g, *inputs, out)` returns one gradient per input (None where none flows), each already
reduced to that input's shape. It uses only operators (+ - * / ** comparisons), `.shape`, `.ndim`,
`.dtype`, `.reshape`, `.sum(axis=, keepdims=)`, `.T`, indexing and `xp.<numpy function>`, so the one
formula works on arrays (fast plain backward) and on Tensors (differentiable backward). Where a
backward needs another op (e.g. the scatter-add behind indexing), it goes through `call(xp, op, ...)`.

Ops whose input gradients are expensive (matmul, convolution) may set `uses_needs = True`: their
backward is then also given `needs` (one bool per input), and may return None where False, e.g.
to skip the gradient of a data batch, which costs a whole matrix multiply and is never used.

An op whose gradient reaches only part of its first input (indexing) may also define
`backward_into(xp, total, g, *inputs)`, adding that gradient in place into `total`, the first
input's running gradient sum; the plain backward pass then uses it (through `vjp_into`).
"""
from typing import Any, Callable


class Op:
    """Base class. Subclasses set `name`, `local` (the local derivative per input, for teaching) and
    implement `forward` and `backward`. `differentiable = False` marks ops whose outputs never carry
    gradients (comparisons, argmax)."""

    __slots__ = ("attrs",)
    name = "op"
    local: tuple = ()
    differentiable = True
    uses_needs = False
    backward_into: Callable[..., None] | None = None

    def __init__(self, **attrs):
        for key, value in attrs.items():
            if type(value) is list:  # attrs read back from JSON: lists become the tuples ops expect
                attrs[key] = _as_tuples(value)
        self.attrs = attrs

    def forward(self, xp, *arrays):
        """Compute the output array from input arrays."""
        raise NotImplementedError(f"{type(self).__name__}.forward")

    def backward(self, xp, g, *inputs, out):
        """Given g = dL/d(out), return dL/d(input) for each input (None where no gradient flows)."""
        raise NotImplementedError(f"{type(self).__name__}.backward")

    def describe_mismatch(self, *shapes: tuple):
        """Why the input shapes don't fit, in the user's words (asked after a forward raised ValueError)."""
        return f"{self.name}: shapes {' and '.join(map(str, shapes))} don't broadcast"

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.attrs.items())
        return f"{type(self).__name__}({args})"


def _as_tuples(value):
    return tuple(_as_tuples(v) for v in value) if type(value) in (list, tuple) else value


def vjp(op: Op, xp, g, inputs, out, needs) -> tuple:
    """The vector-Jacobian product of one node: g = dL/d(out) in, dL/d(input) for each input out.

    The one place that calls an op's backward, for the autograd walk and for the drawings' backward
    steps alike; `needs` (one bool per input) is passed to the ops that use it to skip work.

    For f = a·b the local derivatives are ∂f/∂a = b and ∂f/∂b = a, each times the upstream gradient:

    >>> import numpy as np
    >>> from tinygrad_edu.ops import Mul
    >>> a, b = np.array([3.0]), np.array([-4.0])
    >>> vjp(Mul(), np, np.array([1.0]), [a, b], a * b, [True, True])
    (array([-4.]), array([3.]))
    """
    if op.uses_needs:
        return op.backward(xp, g, *inputs, out=out, needs=needs)  # type: ignore[call-arg]
    return op.backward(xp, g, *inputs, out=out)


def call(xp, op: Op, *inputs) -> Any:
    """Run `op` inside another op's backward: directly on arrays, or recorded as a graph node when
    `xp` is the Tensor namespace (create_graph=True), so second derivatives flow through it too."""
    record = getattr(xp, "apply_op", None)
    if record is None:
        return op.forward(xp, *inputs)
    return record(op, *inputs)


def unbroadcast(xp, g, shape: tuple) -> Any:
    """Sum `g` over the axes that broadcasting added or stretched, so it matches `shape` again.

    Why: in `a + b` with a of shape (3, 4) and b of shape (4,), b was used 3 times, so its gradient
    is the sum of the 3 rows of g.
    """
    gshape = g.shape
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    if shape and gshape[lead:] == shape:  # only leading axes were added (a bias): one sum, no reshape
        return g.sum(axis=0) if lead == 1 else g.sum(axis=tuple(range(lead)))
    stretched = tuple(i + lead for i, size in enumerate(shape) if size == 1 and gshape[i + lead] != 1)
    g = g.sum(axis=tuple(range(lead)) + stretched, keepdims=True)
    return g.reshape(shape)


def vjp_into(op: Op, xp, total, g, inputs) -> None:
    """`vjp` of an op with `backward_into`, for its first input: added into `total` in place."""
    if op.backward_into is None:
        raise TypeError(f"{op.name}: this op has no backward_into; use vjp")
    op.backward_into(xp, total, g, *inputs)


def keepdims_shape(shape: tuple, axis) -> tuple:
    """The shape a reduction over `axis` has with keepdims=True (axis None means every axis)."""
    if axis is None:
        return (1,) * len(shape)
    return tuple(1 if i in axis else size for i, size in enumerate(shape))


def expand_reduced(xp, g, shape: tuple, axis, keepdims: bool) -> Any:
    """Broadcast a reduction's gradient back over the reduced axes (the backward of a sum)."""
    if not keepdims:
        g = g.reshape(keepdims_shape(shape, axis))
    return xp.broadcast_to(g, shape)
