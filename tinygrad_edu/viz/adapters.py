"""How the snapshot reads each graph kind. An adapter answers the same questions for a scalar `Value`
and for a `Tensor`: a node's parents, op, name, value, gradient, and the gradient each input receives.

Why adapters: the snapshot, the drawing and the widgets are written once, over plain data; only this
file knows the engines' attributes (contracts 1 and 2 of the project).
"""
import json
import re

from .. import backend
from ..ops import vjp
from ..scalar import Value
from ..static import Graph
from ..tensor import Tensor
from . import plain
from .graph_adapter import GraphAdapter

# ∂out/∂input of each scalar op, as the lesson writes it: a and b are the inputs, out the result.
_VALUE_LOCALS = {
    "+": ("1", "1"), "-": ("1", "-1"), "*": ("b", "a"), "/": ("1/b", "-a/b²"),
    "**": ("b·a^(b-1)", "out·ln(a)"), "neg": ("-1",), "relu": ("1 if a > 0 else 0",),
    "tanh": ("1 - out²",), "sigmoid": ("out·(1 - out)",), "exp": ("out",), "log": ("1/a",),
    "sin": ("cos(a)",), "cos": ("-sin(a)",),
}
_SYMBOL = re.compile(r"(?<![A-Za-z0-9_])(a|b|out)(?![A-Za-z0-9_])")     # "out²" is `out` squared


class ValueAdapter:
    """Scalar graphs: numbers are floats, a local derivative is a number stored on the node."""

    kind = "value"
    generated_names = "letters"

    def parents(self, node):
        return node._prev

    def op(self, node):
        return node._op or None

    def attrs(self, node) -> dict:
        return {}

    def name(self, node) -> str:
        """The label, or for an unlabeled constant its value (so `x * 2` reads "2")."""
        if node.label:
            return node.label
        return plain.fmt(node.data) if not node._prev else ""

    def scope(self, node) -> str:
        return ""      # Value graphs have no scopes, so a trainable leaf never moves into one

    def trainable(self, node) -> bool:
        return not node._prev

    def root_name(self, root) -> str:
        return ""

    def backward_ran(self, order) -> bool:
        return any(node._mark is not None for node in order)

    def shape(self, node) -> list:
        return []

    def dtype(self, node) -> str:
        return "float64"

    def value(self, node):
        return plain.number(node.data)

    def grad(self, node):
        """The stored `.grad`, or None when no backward() has reached this node yet (Value starts
        every grad at 0.0, so a node that backward never marked has no gradient to show)."""
        if node.grad == 0.0 and getattr(node, "_mark", None) is None:
            return None
        return plain.number(node.grad)

    def local_texts(self, node, names: list, out_name: str) -> list:
        op = node._op
        texts: tuple[str, ...]
        if op.startswith("**") and len(node._prev) == 1:
            texts = (f"{op[2:]}·a^({op[2:]}-1)",)
        else:
            texts = _VALUE_LOCALS.get(op, ("?",) * len(node._prev))
        symbols = {"a": names[0], "b": names[-1], "out": out_name}
        return [_SYMBOL.sub(lambda m: symbols[m.group(1)], t) for t in texts]

    def local_values(self, node) -> list:
        return [plain.number(v) for v in node._local]

    def carries_grad(self, node, parent) -> bool:
        return True

    def seed(self, root):
        return 1.0

    def contributions(self, node, upstream) -> list:
        return [local * upstream for local in node._local]

    def add(self, a, b):
        return a + b

    def to_plain(self, x):
        return plain.number(x)


_NON_FINITE = {"Infinity": "inf", "-Infinity": "-inf", "NaN": "nan"}


class TensorAdapter:
    """Tensor graphs: values are arrays (summarized), and the gradient each input receives is computed
    here by calling the op's own backward on the arrays, never touching the user's `.grad`."""

    kind = "tensor"
    generated_names = "numbered"      # t1, t2: single letters would read as the op formulas' a, b, x

    def parents(self, node):
        return node._parents

    def op(self, node):
        return None if node._op is None else node._op.name

    def attrs(self, node) -> dict:
        attrs = node._op.attrs
        if not attrs:
            return {}
        # JSON the browser accepts: tuples become lists, and inf/nan (softplus's threshold) strings
        return json.loads(json.dumps(attrs, default=repr), parse_constant=_NON_FINITE.__getitem__)

    def name(self, node) -> str:
        return node.name or ""

    def scope(self, node) -> str:
        return "/".join(node._scope)

    def trainable(self, node) -> bool:
        return node._op is None and node.requires_grad

    def root_name(self, root) -> str:
        """An unnamed scalar output is what backward() starts from: almost always the loss."""
        return "loss" if root.array.ndim == 0 else "output"

    def backward_ran(self, order) -> bool:
        """backward() marks what it went through freed; with retain_graph=True the leaves' .grad say it."""
        return order[-1]._freed or any(n._op is None and n.grad is not None for n in order)

    def shape(self, node) -> list:
        return list(node.array.shape)

    def dtype(self, node) -> str:
        return plain.dtype_name(node.array.dtype)

    def value(self, node):
        return self.to_plain(node.array)

    def grad(self, node):
        return None if node.grad is None else self.to_plain(node.grad.array)

    def local_texts(self, node, names: list, out_name: str) -> list:
        local = tuple(getattr(node._op, "local", ()))
        return [local[i] if i < len(local) else "" for i in range(len(node._parents))]

    def local_values(self, node) -> list:
        return [None] * len(node._parents)

    def carries_grad(self, node, parent) -> bool:
        return bool(parent.requires_grad) and getattr(node._op, "differentiable", True)

    def seed(self, root):
        return backend.xp_of(root.array).ones_like(root.array)

    def contributions(self, node, upstream) -> list:
        """One gradient per input, from the same vjp the engine's backward uses, on plain arrays."""
        parents = node._parents
        needs = [self.carries_grad(node, p) for p in parents]
        arrays = [p.array for p in parents]
        grads = vjp(node._op, backend.xp_of(node.array), upstream, arrays, node.array, needs)
        return [g if need else None for g, need in zip(grads, needs)]

    def add(self, a, b):
        return a + b

    def to_plain(self, x):
        return plain.array(backend.to_host(x))


def adapter_for(root, where: str) -> "ValueAdapter | TensorAdapter | GraphAdapter":
    """The adapter for `root`'s graph kind, or a clear error naming what was given instead."""
    if isinstance(root, Value):
        return ValueAdapter()
    if isinstance(root, Tensor):
        return TensorAdapter()
    if isinstance(root, Graph):
        return GraphAdapter(root)
    raise TypeError(f"{where}: expected a tinygrad_edu Value or Tensor (the result of a computation) or a "
                    "static Graph, "
                    f"got {type(root).__name__} {root!r:.60}")
