"""Lesson 04's checks: the neuron's gradient predicted then revealed, and the SGD update step."""
import pytest

from tests.lesson_solutions import solution_namespace
from tinygrad_edu import Value
from tinygrad_edu.exercises import lesson04
from tinygrad_edu.widgets import GraphAnimator

SOLUTION = solution_namespace("04", {})


def neuron_animator():
    """The lesson's neuron: o = tanh(x1·w1 + x2·w2 + b) with o = 1/√2, so ∂o/∂w1 = (1 - ½)·2 = 1."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.881373587019543, label="b")
    n = x1 * w1 + x2 * w2 + b
    o = n.tanh()
    o.label = "o"
    return GraphAnimator(o)


@pytest.mark.parametrize("guess, kind, says", [
    (2.0, "factor", "multiply by its local derivative 1 - o²"),
    (0.5, "factor", "hands w1 the other factor, x1"),
    (-1.5, "swap", "that is ∂o/∂x1"),
    (-1.0, "sign", "Check the signs"),
    (0.3, "value", "(1 - o²) · 1 · x1"),
])
def test_the_neuron_names_the_mistake_and_reveals(capsys, guess, kind, says):
    animator = neuron_animator()
    verdict = lesson04.check_neuron(animator, guess)
    assert verdict.kind == kind and says in capsys.readouterr().out
    event = animator.current_event
    assert event["text"].startswith("∂o/∂w1") and event["grad"] == pytest.approx(1.0)


def test_the_neuron_solution_passes_and_an_unanswered_guess_reveals_nothing(capsys):
    animator = neuron_animator()
    assert not lesson04.check_neuron(animator, ...) and animator.step == -1
    assert lesson04.check_neuron(animator, SOLUTION["my_grad_w1"])
    assert "✓ the gradient at w1 = 1: correct" in capsys.readouterr().out


def plus(parameters, lr):
    for p in parameters:
        p.data += lr * p.grad


def no_lr(parameters, lr):
    for p in parameters:
        p.data -= p.grad


def rebinds(parameters, lr):
    for p in parameters:
        p = p.data - lr * p.grad      # noqa: F841 -- the mistake under test


def assigns(parameters, lr):
    for p in parameters:
        p.data = -lr * p.grad


def stub(parameters, lr):
    """Move every parameter one step of size lr against its gradient."""
    ...


@pytest.mark.parametrize("step, kind, says", [
    (plus, "sign", "Step against the gradient"),
    (no_lr, "factor", "learning rate"),
    (rebinds, "zero", "only gives the loop variable a new value"),
    (assigns, "assign", "Subtract from the current value"),
    (stub, "unanswered", "not written yet"),
])
def test_sgd_step_names_the_mistake(capsys, step, kind, says):
    verdict = lesson04.check_sgd_step(step)
    assert not verdict and verdict.kind == kind and says in capsys.readouterr().out


def test_sgd_step_solution_passes():
    assert lesson04.check_sgd_step(SOLUTION["sgd_step"])
