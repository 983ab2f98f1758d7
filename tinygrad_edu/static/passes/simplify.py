"""Algebraic simplification: rewrite a node into something cheaper that gives the same values.

    x * 1, 1 * x, x + 0, 0 + x, x - 0, x / 1, x ** 1   ->  x      (when the result has x's shape and dtype)
    permute(permute(x, a), b)                          ->  one permute (or x, if the two undo each other)
    (a @ b).T, for 2-D a and b                          ->  b.T @ a.T (the product comes out in .T's layout:
                                                           a Linear weight's gradient, contiguous)
    reshape(reshape(x)), reshape(x) to x's own shape   ->  one reshape (or x)
    expand(x) to x's own shape, cast(x) to x's dtype   ->  x

Before:                                         After:
    %h1 = permute[dims=(1, 0)] %w : (3, 2)          %h3 = mul %w %x : (2, 3) float32
    %h2 = permute[dims=(1, 0)] %h1 : (2, 3)         return %h3
    %h3 = mul %h2 %x : (2, 3) float32
    return %h3

Every rule keeps values exactly (x + 0 may turn -0.0 into +0.0, which compares equal). Nodes the
rewrite leaves unused are removed by dead-code elimination.
"""
import numpy as np

from ... import backend
from ..ir import Node
from .rewrite import substitute

IDENTITY = {"Mul": (1, "either"), "Add": (0, "either"), "Sub": (0, "right"), "Div": (1, "right")}


def simplify(g):
    producer, alias, nodes = {}, {}, []
    spec = lambda name: (producer[name].shape, producer[name].dtype) if name in producer else g.specs[name]
    uses: dict = {}
    for n in g.nodes:
        for i in n.inputs:
            uses[i] = uses.get(i, 0) + 1
    def renamed(n):
        return Node(n.name, n.op, tuple(alias.get(i, i) for i in n.inputs), n.shape, n.dtype, n.attrs)

    for original in g.nodes:
        node = renamed(original)
        for part in _transposed_product(node, producer, uses, g) or [node]:
            part = renamed(part)
            same = _identity(g, part, spec) or _collapsed(part, producer, spec)
            if isinstance(same, str):
                alias[part.name] = same
                continue
            part = same or part
            producer[part.name] = part
            nodes.append(part)
    return substitute(g, nodes, alias)


def _transposed_product(node, producer, uses, g) -> list:
    """(a @ b).T as [a.T... b.T..., b.T @ a.T] when the product is used only here, else []."""
    transpose = node.op == "Permute" and list(node.attrs["dims"]) == [1, 0]
    inner = producer.get(node.inputs[0]) if transpose else None
    if inner is None or inner.op != "MatMul" or uses.get(inner.name, 0) != 1:
        return []
    a, b = inner.inputs
    if any(len(producer[v].shape if v in producer else g.specs[v][0]) != 2 for v in (a, b)):
        return []
    parts = []
    for side, value in (("b", b), ("a", a)):
        shape = producer[value].shape if value in producer else g.specs[value][0]
        dtype = producer[value].dtype if value in producer else g.specs[value][1]
        parts.append(Node(f"{node.name}.{side}T", "Permute", (value,), (shape[1], shape[0]), dtype,
                          {"dims": [1, 0]}))
    return parts + [Node(node.name, "MatMul", (parts[0].name, parts[1].name), node.shape, node.dtype, {})]


def _is_constant(g, name, value) -> bool:
    array = g.constants.get(name)
    if array is None or array.size > 64:
        return False
    return bool(np.all(backend.to_host(array) == value))


def _identity(g, node, spec):
    """The input this node just passes on, or None."""
    out = (node.shape, node.dtype)
    if node.op in IDENTITY:
        value, side = IDENTITY[node.op]
        a, b = node.inputs
        if _is_constant(g, b, value) and spec(a) == out:
            return a
        if side == "either" and _is_constant(g, a, value) and spec(b) == out:
            return b
    if node.op == "PowScalar" and node.attrs["exponent"] == 1 and spec(node.inputs[0]) == out:
        return node.inputs[0]
    if node.op in ("Expand", "Cast", "Reshape") and spec(node.inputs[0]) == out:
        return node.inputs[0]
    if node.op == "Permute" and list(node.attrs["dims"]) == list(range(len(node.shape))):
        return node.inputs[0]
    return None


def _collapsed(node, producer, spec):
    """Two shape ops in a row as one (a new node), the input itself if they cancel, or None."""
    inner = producer.get(node.inputs[0]) if node.inputs else None
    if inner is None or inner.op != node.op or node.op not in ("Permute", "Reshape"):
        return None
    source = inner.inputs[0]
    if node.op == "Reshape":
        if spec(source) == (node.shape, node.dtype):
            return source
        return Node(node.name, "Reshape", (source,), node.shape, node.dtype, node.attrs)
    dims = [inner.attrs["dims"][d] for d in node.attrs["dims"]]
    if dims == list(range(len(dims))):
        return source
    return Node(node.name, "Permute", (source,), node.shape, node.dtype, {"dims": dims})
