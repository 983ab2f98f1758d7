"""How the snapshot reads a static `Graph` (see adapters.py for the questions every adapter answers).

A graph's values are names, not objects, so the adapter hands the snapshot one small handle per value
(the same handle every time, so the walk sees each value once) and the `Graph` itself stands for its
result. Numbers come from running the graph's nodes on its example inputs (`g.with_inputs(...)`; a
traced graph has the inputs it was traced with); without them every value is "not computed yet".
Backward steps use each op's own vjp, as for dynamic graphs. A graph with several results (a
training step: loss, new weights...) is drawn with one extra node gathering them; gradients start
from the first.
"""
import json

from .. import backend
from ..ops import vjp
from ..static.printing import op_label
from ..static.registry import OPS, build
from . import plain

RESULTS = "results"


class _Handle:
    __slots__ = ("name", "node")

    def __init__(self, name, node):
        self.name, self.node = name, node


class GraphAdapter:
    kind = "static"
    generated_names = "numbered"        # values have their graph names; this is never needed

    def __init__(self, graph):
        self.graph = graph
        self.handles = {}
        targets = list(graph.outputs) + [v for v in graph.updates.values() if v not in graph.outputs]
        self.root = self._handle(targets[0]) if len(targets) == 1 else _Handle(RESULTS, None)
        self.results = [self._handle(t) for t in targets]
        self.values = _evaluate(graph) if graph.example is not None else {}
        self.flows = _differentiable(graph)

    def _handle(self, name):
        handle = self.handles.get(name)
        if handle is None:
            handle = self.handles[name] = _Handle(name, self.graph._index.get(name))
        return handle

    def _of(self, node):
        return self.root if node is self.graph else node

    def parents(self, node):
        node = self._of(node)
        if node.name == RESULTS and node.node is None:
            return self.results
        return [self._handle(i) for i in node.node.inputs] if node.node is not None else []

    def op(self, node):
        node = self._of(node)
        if node.node is None:
            return "results" if node.name == RESULTS else None
        return op_label(node.node).split("[")[0]

    def attrs(self, node) -> dict:
        node = self._of(node).node
        return {} if node is None else json.loads(json.dumps(node.attrs, default=repr))

    def name(self, node) -> str:
        node = self._of(node)
        array = self.graph.constants.get(node.name)
        if array is not None and array.size == 1:
            return plain.fmt(float(backend.to_host(array).reshape(-1)[0]))
        return node.name

    def scope(self, node) -> str:
        return ""

    def trainable(self, node) -> bool:
        node = self._of(node)
        return node.node is None and node.name in self.graph.state

    def root_name(self, root) -> str:
        return ""

    def backward_ran(self, order) -> bool:
        return False                    # a static graph keeps no gradients: the events show them

    def shape(self, node) -> list:
        node = self._of(node)
        return [] if node.name == RESULTS and node.node is None else list(self.graph.spec(node.name)[0])

    def dtype(self, node) -> str:
        node = self._of(node)
        return "" if node.name == RESULTS and node.node is None else self.graph.spec(node.name)[1]

    def _value(self, node):
        node = self._of(node)
        if node.name == RESULTS and node.node is None:
            return self.values.get(self.results[0].name)
        return self.values.get(node.name)

    def value(self, node):
        array = self._value(node)
        return None if array is None else self.to_plain(array)

    def grad(self, node):
        return None

    def local_texts(self, node, names: list, out_name: str) -> list:
        node = self._of(node)
        cls = OPS.get(node.node.op) if node.node is not None else None
        local = tuple(getattr(cls, "local", ())) if cls is not None else ()
        return [local[i] if i < len(local) else "" for i in range(len(names))]

    def local_values(self, node) -> list:
        return [None] * len(self.parents(node))

    def carries_grad(self, node, parent) -> bool:
        node = self._of(node)
        if node.node is None:
            return parent is self.results[0]
        cls = OPS[node.node.op]
        return parent.name in self.flows and cls.differentiable and cls.name != "fused"

    def seed(self, root):
        value = self._value(root)
        return None if value is None else backend.xp_of(value).ones_like(value)

    def contributions(self, node, upstream) -> list:
        parents = self.parents(node)
        node = self._of(node)
        if upstream is None or node.node is None:
            return [upstream if p is self.results[0] else None for p in parents] if node.node is None \
                else [None] * len(parents)
        needs = [self.carries_grad(node, p) for p in parents]
        if not any(needs):
            return [None] * len(parents)
        arrays = [self.values[p.name] for p in parents]
        op = build(node.node.op, node.node.attrs)
        out = self.values[node.name]
        grads = vjp(op, backend.xp_of(out), upstream, arrays, out, needs)
        return [g if need else None for g, need in zip(grads, needs)]

    def add(self, a, b):
        return a + b

    def to_plain(self, x):
        return None if x is None else plain.array(backend.to_host(x))


def _evaluate(graph) -> dict:
    """Every value of the graph for its example inputs (a plain interpreter: drawings need them all)."""
    values = {**dict(graph.example), **dict(graph.state), **dict(graph.constants)}
    for node in graph.nodes:
        out = build(node.op, node.attrs).forward(backend.xp_of(values[node.inputs[0]]),
                                                 *[values[i] for i in node.inputs])
        values[node.name] = backend.xp_of(values[node.inputs[0]]).asarray(out)
    return values


def _differentiable(graph) -> set:
    """Values a gradient can reach: floats computed from inputs or state (not from constants alone)."""
    flows = {n for n in list(graph.inputs) + list(graph.state) if graph.specs[n][1].startswith("float")}
    for node in graph.nodes:
        if node.dtype.startswith("float") and any(i in flows for i in node.inputs):
            flows.add(node.name)
    return flows
