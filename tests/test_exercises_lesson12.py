"""Lesson 12's checks: central differences, the diagnosis, and the bug hunt in a rule table."""
import math

import numpy as np
import pytest

from tests.lesson_solutions import solve
from tinygrad_edu.exercises import lesson12

SECTIONS = solve.sections(solve.solution_for(solve.lesson_path("12")))
SOLUTION = {"np": np}
exec(SECTIONS["exercise-numeric"], SOLUTION)
exec(SECTIONS["exercise-diagnose"], SOLUTION)


def rules(divide=lambda a, b: (1 / b, -a / b)):
    """A table like the lesson's, with its planted bug in the rule for '/' unless replaced."""
    return {"+": (lambda a, b: a + b, lambda a, b: (1.0, 1.0)),
            "*": (lambda a, b: a * b, lambda a, b: (b, a)),
            "/": (lambda a, b: a / b, divide),
            "tanh": (math.tanh, lambda a: (1 - math.tanh(a) ** 2,))}


def test_the_solutions_pass(capsys):
    assert lesson12.check_numeric_grad(SOLUTION["numeric_grad"])
    assert lesson12.check_diagnosis(SOLUTION["diagnosis"])
    assert lesson12.check_bug_hunt(rules(), "/", lambda a, b: (1 / b, -a / b ** 2))
    assert "✗" not in capsys.readouterr().out


def test_the_wrong_rule_is_found_by_differences_not_by_name():
    assert lesson12.wrong_rules(rules()) == ["/"]
    assert lesson12.wrong_rules(rules(divide=lambda a, b: (1 / b, -a / b ** 2))) == []


def divides_by_h(f, x, h=1e-6):
    return 2 * SOLUTION["numeric_grad"](f, x, h)


def never_restores(f, x, h=1e-6):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x[i] += h
        up = f(x)
        x[i] -= 2 * h
        grad[i] = (up - f(x)) / (2 * h)
    return grad


@pytest.mark.parametrize("fn, kind, says", [
    (divides_by_h, "factor", "divide by 2h"),
    (never_restores, "restore", "Put each element back"),
    (lambda f, x, h=1e-6: np.zeros(2), "shape", "expected shape (3,), got (2,)"),
])
def test_numeric_grad_names_the_mistake(capsys, fn, kind, says):
    verdict = lesson12.check_numeric_grad(fn)
    assert not verdict and verdict.kind == kind and says in capsys.readouterr().out


@pytest.mark.parametrize("diagnosis, kind, says", [
    ({"A": "zero_grad", "B": "saturation", "C": "saturation", "D": "broadcast"}, "value", "is None"),
    ({"A": "zero grad", "B": "detached", "C": "saturation", "D": "broadcast"}, "type", "is not one of"),
    ({"A": ..., "B": ..., "C": ..., "D": ...}, "unanswered", "not answered yet"),
    ({"A": "zero_grad"}, "type", "expected a dict with the keys"),
])
def test_diagnosis_names_the_mistake(capsys, diagnosis, kind, says):
    verdict = lesson12.check_diagnosis(diagnosis)
    assert not verdict and verdict.kind == kind and says in capsys.readouterr().out


@pytest.mark.parametrize("op, fix, kind, says", [
    ("*", None, "value", "the rule for '*' is right"),
    ("sqrt", None, "type", "not an operation of RULES"),
    ("/", lambda a, b: (1 / b, a / b ** 2), "sign", "opposite sign"),
    ("/", lambda a, b: 1 / b, "shape", "expected shape (2,), got ()"),
    (..., None, "unanswered", "not answered yet"),
])
def test_bug_hunt_names_the_mistake(capsys, op, fix, kind, says):
    verdict = lesson12.check_bug_hunt(rules(), op, fix)
    assert not verdict and verdict.kind == kind and says in capsys.readouterr().out
