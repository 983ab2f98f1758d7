"""`autograd.Function`: a custom op written as a class with `forward(ctx, ...)` and `backward(ctx, g)`,
as in PyTorch, that becomes one node of the graph.

How: every Function subclass gets its own `Op` subclass (named after the class), and `apply` runs
that op through the same `apply` as the built-in ops. So a custom function is drawn and animated like
a built-in op (the snapshot calls `ops.vjp` on it), re-runs from its attrs, and works with
`create_graph=True`: then the user's backward runs on the graph's Tensors with recording on, and the
tensors it saved that were inputs or the output are handed back as those graph nodes, so second
derivatives flow through them (values computed inside forward are constants, as in PyTorch, whose
forward also runs without recording).
"""
from .. import backend
from ..errors import ShapeError
from ..ops.base import Op, unbroadcast
from . import grad_mode, graph_xp
from .core import Tensor, _wrap, apply


class FunctionCtx:
    """The `ctx` of forward and backward: save tensors for backward, read `needs_input_grad`, and keep
    any other attribute (ctx.alpha = 0.5) from forward to backward."""

    def __init__(self, needs_input_grad: tuple):
        self.needs_input_grad = needs_input_grad
        self.to_save: tuple = ()
        self._handed_back: tuple = ()  # what saved_tensors gives backward (graph nodes under create_graph)

    def save_for_backward(self, *tensors) -> None:
        for k, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(f"save_for_backward: argument {k} is a {type(t).__name__}, "
                                "not a Tensor or None")
        self.to_save = tensors

    @property
    def saved_tensors(self) -> tuple:
        return self._handed_back


class FunctionOp(Op):
    """One call of a Function. attrs: `constants`, the forward arguments that are not tensors, as
    (position, value) pairs; the Function class is the op's own class attribute."""

    __slots__ = ("ctx", "needs", "_inputs", "_output")
    function = None  # the Function subclass, set on each generated op class
    local = ("the Function's own backward",)

    def _arguments(self, tensors: list) -> list:
        constants = dict(self.attrs.get("constants", ()))
        remaining = iter(tensors)
        count = len(constants) + self.attrs["tensor_count"]
        return [constants[i] if i in constants else next(remaining) for i in range(count)]

    def forward(self, xp, *arrays):
        fn = self.function
        inputs = [_wrap(a, None, (), False) for a in arrays]
        args = self._arguments(inputs)
        needs = getattr(self, "needs", None) or tuple(isinstance(a, Tensor) for a in args)
        ctx = FunctionCtx(needs)
        recording, grad_mode.enabled = grad_mode.enabled, False  # its node is this op, not its steps
        try:
            if fn.setup_context is Function.setup_context:
                out = fn.forward(ctx, *args)
            else:
                out = fn.forward(*args)
                fn.setup_context(ctx, tuple(args), out)
        finally:
            grad_mode.enabled = recording
        if not isinstance(out, Tensor):
            raise NotImplementedError(
                f"{fn.__name__}.forward returned {type(out).__name__}: a Function here returns one Tensor "
                "(graph nodes in tinygrad_edu have one output)"
            )
        self.ctx, self._inputs, self._output = ctx, inputs, out
        return out.array

    def backward(self, xp, g, *inputs, out):
        fn, ctx = self.function, self.ctx
        graphed = xp is graph_xp
        swap = {id(t): node for t, node in zip(self._inputs, inputs)} if graphed else {}
        if graphed:
            swap[id(self._output)] = out
        ctx._handed_back = tuple(None if t is None else swap.get(id(t), t) for t in ctx.to_save)
        grads = fn.backward(ctx, g if graphed else _wrap(g, None, (), False))
        grads = grads if isinstance(grads, tuple) else (grads,)
        args = self._arguments(list(inputs))
        if len(grads) != len(args):
            raise RuntimeError(
                f"{fn.__name__}.backward returned {len(grads)} gradient(s), but forward took {len(args)} "
                "argument(s): return one per argument (None for those that need none)"
            )
        return tuple(self._checked(fn.__name__, k, grad, arg, graphed)
                     for k, (grad, arg) in enumerate(zip(grads, args)) if _is_input(arg, inputs))

    def _checked(self, name: str, k: int, grad, arg, graphed: bool):
        """A returned gradient as the engine needs it: summed to the input's shape where it was
        broadcast, in the input's dtype; a clear error for anything else."""
        if grad is None:
            return None
        if not isinstance(grad, Tensor):
            raise TypeError(f"{name}.backward: gradient {k} is a {type(grad).__name__}, "
                            "expected a Tensor or None")
        shape = tuple(arg.shape)
        if grad.shape != shape:
            lead = len(grad.shape) - len(shape)
            fits = lead >= 0 and all(s in (1, gs) for s, gs in zip(shape, grad.shape[lead:]))
            if not fits:
                raise ShapeError(f"{name}.backward: gradient {k} has shape {grad.shape}, but its input has "
                                 f"shape {shape}")
            if graphed:
                grad = unbroadcast(graph_xp, grad, shape)
            else:
                grad = _wrap(unbroadcast(backend.xp_of(grad.array), grad.array, shape), None, (), False)
        grad = grad.to(arg.dtype) if grad.dtype != arg.dtype else grad
        return grad if graphed else grad.array


def _is_input(arg, inputs) -> bool:
    return any(arg is t for t in inputs)


class Function:
    """Subclass with two static methods, then call `MyFunction.apply(x, ...)`:

    >>> class Cube(Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x ** 3
    ...     @staticmethod
    ...     def backward(ctx, grad_output):
    ...         (x,) = ctx.saved_tensors
    ...         return grad_output * 3 * x ** 2
    """

    _op_class: type = FunctionOp

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._op_class = type(f"{cls.__name__}Op", (FunctionOp,), {"__slots__": (), "function": cls,
                                                                   "name": cls.__name__})

    @staticmethod
    def forward(ctx, *args):
        raise NotImplementedError("a Function subclass must define forward(ctx, *args)")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("a Function subclass must define backward(ctx, grad_output)")

    @staticmethod
    def setup_context(ctx, inputs, output):
        """PyTorch's other style: forward(*args) without ctx, then setup_context saves what is needed."""

    vjp = backward

    @classmethod
    def apply(cls, *args):
        if cls is Function:
            raise TypeError("Function.apply: call apply on a subclass that defines forward and backward")
        tensors = [a for a in args if isinstance(a, Tensor)]
        constants = tuple((i, a) for i, a in enumerate(args) if not isinstance(a, Tensor))
        op = cls._op_class(constants=constants, tensor_count=len(tensors))
        op.needs = tuple(isinstance(a, Tensor) and a.requires_grad and grad_mode.enabled for a in args)
        if not tensors:  # nothing to differentiate: just the forward
            return _wrap(op.forward(None), None, (), False)
        return apply(op, *tensors)
