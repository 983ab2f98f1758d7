"""Checks for lesson 03 (build your own autodiff): backward rules, an iterative topological sort, backward.

The graphs are built here from a tiny node class with the lesson's attribute names (`data`, `grad`,
`parents`, `local`, `label`), so a check tests the student's function alone, not the rest of their engine.
"""
import math

from ..graph_walk import topological_order
from .judge import Mistake, is_stub, judge, judge_function, raised
from .verdict import Verdict

DEEP = 10_000       # deeper than Python's recursion limit (1,000 by default; 3,000 in some kernels)


def check_rules(mul_local, div_local, pow_local, tanh_local) -> Verdict:
    """The four local derivatives, each on a few inputs, one verdict line per rule."""
    parts = [
        judge_function("mul_local", mul_local, [(2.0, 3.0), (-1.5, 4.0)], lambda a, b: (b, a),
                       mistakes=[Mistake("swap", lambda a, b: (a, b),
                                         "∂(a·b)/∂a is the *other* factor, b (and ∂(a·b)/∂b is a).")]),
        judge_function("div_local", div_local, [(3.0, 2.0), (-1.0, 0.5)], lambda a, b: (1 / b, -a / b ** 2),
                       hints={"sign": "∂(a/b)/∂b = -a/b²: a bigger b makes a/b smaller."},
                       mistakes=[Mistake("factor", lambda a, b: (1 / b, -a / b),
                                         "∂(a/b)/∂b = -a/b²: b appears squared.")]),
        judge_function("pow_local", pow_local, [(2.0, 3.0), (4.0, 0.5), (-1.5, 2.0)],
                       lambda a, n: n * a ** (n - 1),
                       hints={"factor": "The power rule: ∂(aⁿ)/∂a = n·aⁿ⁻¹ (the n comes down in front)."}),
        judge_function("tanh_local", tanh_local, [(0.5,), (-2.0,), (0.0,)], lambda a: 1 - math.tanh(a) ** 2,
                       mistakes=[Mistake("input", lambda a: 1 - a * a,
                                         "Write it with the output t = tanh(a), not the input: 1 - t².")],
                       hint="∂tanh(a)/∂a = 1 - tanh(a)²."),
    ]
    return Verdict.combine("backward rules", parts).show()


class Node:
    """The lesson's Scalar reduced to what the checks need."""

    def __init__(self, data, parents=(), local=(), label=""):
        self.data, self.grad, self.parents, self.local, self.label = float(data), 0.0, parents, local, label

    def __add__(self, other):
        return Node(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other):
        return Node(self.data * other.data, (self, other), (other.data, self.data))


def running_example() -> dict:
    """Lesson 01's f = (x + y)·z with x = -2, y = 5, z = -4; returns its nodes by label."""
    x, y, z = Node(-2.0, label="x"), Node(5.0, label="y"), Node(-4.0, label="z")
    a = x + y
    a.label = "a"
    f = a * z
    f.label = "f"
    return {"x": x, "y": y, "z": z, "a": a, "f": f}


def reuse_example() -> dict:
    """Lesson 01's g = w·w + w with w = 3 (w feeds three edges)."""
    w = Node(3.0, label="w")
    s = w * w
    s.label = "s"
    g = s + w
    g.label = "g"
    return {"w": w, "s": s, "g": g}


def exercise_example() -> dict:
    """Lesson 01's exercise q = u·v + v with u = 3, v = -2."""
    u, v = Node(3.0, label="u"), Node(-2.0, label="v")
    p = u * v
    p.label = "p"
    q = p + v
    q.label = "q"
    return {"u": u, "v": v, "p": p, "q": q}


def diamond_example() -> dict:
    """d = b·c where b = a + a and c = a·a: two paths from d back to a, meeting again."""
    a = Node(2.0, label="a")
    b, c = a + a, a * a
    b.label, c.label = "b", "c"
    d = b * c
    d.label = "d"
    return {"a": a, "b": b, "c": c, "d": d}


def chain(n: int) -> dict:
    """h0 -> h1 -> ... -> hn, each h = h·k with k = 1.0001 (a graph as deep as it is long)."""
    h0 = h = Node(1.0, label="h0")
    k = Node(1.0001, label="k")
    for _ in range(n):
        h = h * k
    return {"h0": h0, "k": k, "out": h}


def _root(nodes: dict):
    return list(nodes.values())[-1]


def _parents(node) -> tuple:
    return node.parents


def _all_nodes(root) -> list:
    return topological_order(root, _parents)


def _name(node) -> str:
    return repr(node.label) if node.label else "an unlabelled node"


def _order_problem(order, root):
    """What is wrong with `order` as a topological order of root's graph, or None."""
    if not isinstance(order, (list, tuple)):
        return f"expected a list of nodes, got {type(order).__name__}"
    position = {}
    for k, node in enumerate(order):
        if id(node) in position:
            return f"it lists {_name(node)} twice: remember which nodes are already placed"
        position[id(node)] = k
    for node in _all_nodes(root):
        if id(node) not in position:
            return f"it leaves out {_name(node)}: every node the root depends on must be in the order"
    if len(order) != len(position) or any(not hasattr(n, "parents") for n in order):
        return "it contains things that are not nodes of this graph"
    for node in order:
        for parent in node.parents:
            if position[id(parent)] > position[id(node)]:
                return f"it places {_name(node)} before its input {_name(parent)}"
    return None


def check_topological_order(topological_order) -> Verdict:
    """A valid order (each node after its parents, each once) on small graphs and on a deep chain."""
    name = "topological_order"
    cases = [("lesson 1's (x + y)·z", running_example()), ("g = w·w + w", reuse_example()),
             ("a diamond", diamond_example()), (f"a chain of {DEEP:,} nodes", chain(DEEP))]
    if not callable(topological_order) or is_stub(topological_order):
        return judge_function(name, topological_order, [], None).show()
    for title, nodes in cases:
        try:
            order = topological_order(_root(nodes))
        except RecursionError:
            return Verdict(False, name, f"✗ {name} on {title}: RecursionError. Python's stack holds about a "
                                        "thousand calls; keep the nodes still to visit in a list (a stack) "
                                        "instead of calling the function again.", "recursion").show()
        except Exception as err:
            return raised(name, f"{name} on {title}", err).show()
        problem = _order_problem(order, _root(nodes))
        if problem:
            return Verdict(False, name, f"✗ {name} on {title}: {problem}.", "order").show()
    return Verdict(True, name, f"✓ {name}: a valid order on all {len(cases)} graphs, including the chain of "
                               f"{DEEP:,} nodes!", "correct").show()


def reference_backward(root, *, reverse=True, accumulate=True, seed=1.0, upstream=True) -> None:
    """Backpropagation, and (with a flag turned off) the typical ways of getting it wrong."""
    order = _all_nodes(root)
    root.grad = seed
    for node in (reversed(order) if reverse else order):
        for parent, local in zip(node.parents, node.local):
            contribution = local * node.grad if upstream else local
            parent.grad = parent.grad + contribution if accumulate else contribution


def _grads(make, backward, **variant) -> list:
    """Build a fresh graph, run `backward` (or the reference with `variant`), return the input grads."""
    nodes = make()
    (backward or reference_backward)(_root(nodes), **variant)
    return [n.grad for n in nodes.values() if not n.parents]


BACKWARD_MISTAKES = [
    ({"accumulate": False}, "accumulation",
     "A node used several times gets a contribution from each use: add them (parent.grad += ...), "
     "never overwrite."),
    ({"reverse": False}, "order",
     "Walk the topological order backwards (reversed(order)): a node passes its gradient on only after "
     "every node that used it has handed its gradient to it."),
    ({"upstream": False}, "factor",
     "The chain rule multiplies: parent.grad += local · node.grad (the local derivative times the "
     "upstream gradient)."),
    ({"seed": 0.0}, "zero", "Start at the output with root.grad = 1 (∂f/∂f = 1)."),
]


def check_backward(backward) -> Verdict:
    """Gradients of every input on lesson 1's graphs, a diamond and a deep chain."""
    name = "backward"
    graphs = [("(x + y)·z", running_example), ("w·w + w", reuse_example), ("u·v + v", exercise_example),
              ("the diamond", diamond_example), (f"the chain of {DEEP:,}", lambda: chain(DEEP))]
    if not callable(backward) or is_stub(backward):
        return judge_function(name, backward, [], None).show()
    for title, make in graphs:
        nodes = make()
        try:
            result = backward(_root(nodes))
        except RecursionError:
            return Verdict(False, name, f"✗ {name} on {title}: RecursionError. Use your iterative "
                                        "topological_order, not the recursive one.", "recursion").show()
        except Exception as err:
            return raised(name, f"{name} on {title}", err).show()
        got = [n.grad for n in nodes.values() if not n.parents]
        if result is not None:
            return Verdict(False, name, f"✗ {name} returned {type(result).__name__}: it should set .grad "
                                        "on the nodes and return nothing.", "type").show()
        labels = ", ".join(n.label for n in nodes.values() if not n.parents)
        mistakes = [Mistake(kind, _grads(make, None, **variant), hint)
                    for variant, kind, hint in BACKWARD_MISTAKES]
        verdict = judge(f"the gradients of {labels} in {title}", got, _grads(make, None), tol=1e-9,
                        mistakes=mistakes)
        if not verdict:
            return verdict.show()
    return Verdict(True, name, f"✓ {name}: right gradients on all {len(graphs)} graphs!", "correct").show()
