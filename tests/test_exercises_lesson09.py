"""Lesson 09's checks: the reused z predicted then revealed, and backpropagation through time."""
import pytest

from tests.lesson_solutions import solution_namespace
from tinygrad_edu import Value
from tinygrad_edu.exercises import lesson09
from tinygrad_edu.widgets import GraphAnimator

SOLUTION = solution_namespace("09", {})


def loop_animator():
    """f = (x + y)·z·z·z at x = -2, y = 5, z = -4: a = 3, and ∂f/∂z = 3·a·z² = 144 (worked out by hand)."""
    x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    a = x + y
    a.label = "a"
    f = a * z * z * z
    f.label = "f"
    return GraphAnimator(f, phase="backward")


def test_the_loop_solution_passes_and_moves_the_animator(capsys):
    animator = loop_animator()
    assert lesson09.check_loop(animator, SOLUTION["my_uses_z"], SOLUTION["my_grad_z"])
    assert animator.current_event["grad"] == 144.0 and "use 3 of 3" in animator.current_event["text"]


@pytest.mark.parametrize("uses, grad, kind, says", [
    (3, 48.0, "accumulation", "add three of them"),
    (1, 144.0, "factor", "count the multiplications"),
    (3, -144.0, "sign", "opposite sign"),
    (..., ..., "unanswered", "not predicted yet"),
])
def test_the_loop_names_the_mistake(capsys, uses, grad, kind, says):
    verdict = lesson09.check_loop(loop_animator(), uses, grad)
    assert not verdict and verdict.kind == kind and says in capsys.readouterr().out


def test_reference_bptt_matches_the_closed_form():
    # h3 = w³h0 + w²x1 + w·x2 + x3, so ∂h3/∂w = 3w²h0 + 2w·x1 + x2 = 0.75 + 2 - 1 = 1.75 at w = 0.5
    assert lesson09.reference_bptt(0.5, 1.0, [2.0, -1.0, 3.0]) == pytest.approx(1.75)


def overwriting(w, h0, xs):
    hs = [h0]
    for x in xs:
        hs.append(w * hs[-1] + x)
    g = 1.0
    for t in range(len(xs), 0, -1):
        dw = g * hs[t - 1]
        g *= w
    return dw


def no_chain(w, h0, xs):
    hs = [h0]
    for x in xs:
        hs.append(w * hs[-1] + x)
    return sum(hs[:-1])


def last_only(w, h0, xs):
    h = h0
    for x in xs[:-1]:
        h = w * h + x
    return h


@pytest.mark.parametrize("fn, kind, says", [
    (overwriting, "accumulation", "instead of overwriting"),
    (no_chain, "chain", "update g = g·w"),
    (last_only, "accumulation", "only the last step's contribution"),
])
def test_bptt_names_the_mistake(capsys, fn, kind, says):
    verdict = lesson09.check_bptt(fn)
    assert not verdict and verdict.kind == kind and says in capsys.readouterr().out


def test_bptt_solution_passes():
    assert lesson09.check_bptt(SOLUTION["bptt_grad"])
