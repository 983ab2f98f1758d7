"""Lesson 03's checks accept the reference solutions and name the typical mistakes."""
import math

import pytest

from tests.lesson_solutions import solution_namespace
from tinygrad_edu.exercises import lesson03

SOLUTION = solution_namespace("03", {"math": math})
RULES = ("mul_local", "div_local", "pow_local", "tanh_local")


def rules(**replaced):
    return [replaced.get(name, SOLUTION[name]) for name in RULES]


def test_the_solutions_pass(capsys):
    assert lesson03.check_rules(*rules())
    assert lesson03.check_topological_order(SOLUTION["topological_order"])
    assert lesson03.check_backward(SOLUTION["backward"])
    out = capsys.readouterr().out
    assert out.count("✓") == 6 and "✗" not in out


@pytest.mark.parametrize("replaced, kind, says", [
    ({"mul_local": lambda a, b: (a, b)}, "swap", "the *other* factor"),
    ({"div_local": lambda a, b: (1 / b, a / b ** 2)}, "sign", "a bigger b makes a/b smaller"),
    ({"div_local": lambda a, b: (1 / b, -a / b)}, "factor", "b appears squared"),
    ({"pow_local": lambda a, n: a ** (n - 1)}, "factor", "the n comes down in front"),
    ({"tanh_local": lambda a: 1 - a * a}, "input", "the output t = tanh(a)"),
    ({"tanh_local": lambda a: 1 - math.tanh(a)}, "value", "1 - tanh(a)²"),
    ({"mul_local": lambda a, b: ...}, "unanswered", "mul_local: not written yet"),
    ({"div_local": lambda a, b: 1 / 0}, "error", "div_local(3, 2) raised ZeroDivisionError"),
])
def test_rules_name_the_mistake(capsys, replaced, kind, says):
    verdict = lesson03.check_rules(*rules(**replaced))
    assert not verdict and verdict.kind == kind
    assert says in capsys.readouterr().out


def recursive_order(root):
    order, seen = [], set()

    def visit(node):
        if id(node) not in seen:
            seen.add(id(node))
            for parent in node.parents:
                visit(parent)
            order.append(node)
    visit(root)
    return order


def no_visited_set(root):
    order, stack = [], [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
        else:
            stack.append((node, True))
            stack.extend((p, False) for p in node.parents)
    return order


@pytest.mark.parametrize("fn, kind, says", [
    (recursive_order, "recursion", "RecursionError"),
    (no_visited_set, "order", "twice"),
    (lambda root: list(reversed(recursive_order(root))), "order", "before its input"),
    (lambda root: recursive_order(root)[1:], "order", "leaves out 'x'"),
    (lambda root: 5, "order", "expected a list of nodes, got int"),
    (lambda root: {root}, "order", "expected a list of nodes, got set"),
    (..., "unanswered", "not written yet"),
])
def test_topological_order_names_the_mistake(capsys, fn, kind, says):
    verdict = lesson03.check_topological_order(fn)
    assert not verdict and verdict.kind == kind
    assert says in capsys.readouterr().out


def backward_variant(*, overwrite=False, forward=False, no_upstream=False, no_seed=False):
    order_of = SOLUTION["topological_order"]

    def backward(root):
        root.grad = 0.0 if no_seed else 1.0
        order = order_of(root)
        for node in (order if forward else reversed(order)):
            for parent, local in zip(node.parents, node.local):
                step = local if no_upstream else local * node.grad
                parent.grad = step if overwrite else parent.grad + step
    return backward


@pytest.mark.parametrize("variant, kind, says", [
    ({"overwrite": True}, "accumulation", "never overwrite"),
    ({"forward": True}, "order", "reversed(order)"),
    ({"no_upstream": True}, "factor", "times the upstream gradient"),
    ({"no_seed": True}, "zero", "root.grad = 1"),
])
def test_backward_names_the_mistake(capsys, variant, kind, says):
    verdict = lesson03.check_backward(backward_variant(**variant))
    assert not verdict and verdict.kind == kind
    assert says in capsys.readouterr().out


def test_stubs_are_not_answered_yet(capsys):
    def topological_order(root):
        """Every node, each after its inputs."""
        ...

    def backward(root):
        ...
    assert lesson03.check_topological_order(topological_order).kind == "unanswered"
    assert lesson03.check_backward(backward).kind == "unanswered"
    assert capsys.readouterr().out.count("not written yet") == 2


def test_backward_with_the_recursive_sort_hits_the_deep_chain(capsys):
    def backward(root):
        root.grad = 1.0
        for node in reversed(recursive_order(root)):
            for parent, local in zip(node.parents, node.local):
                parent.grad += local * node.grad
    verdict = lesson03.check_backward(backward)
    assert verdict.kind == "recursion" and "iterative" in capsys.readouterr().out
