"""Lesson 05's checks: broadcast shapes, and unbroadcast."""
import numpy as np
import pytest

from tests.lesson_solutions import solution_namespace
from tinygrad_edu.exercises import lesson05

SOLUTION = solution_namespace("05", {"np": np})
ANSWERS = [SOLUTION[f"shape_{k}"] for k in "abcd"]


def test_the_solutions_pass(capsys):
    assert lesson05.check_broadcast_shapes(ANSWERS)
    assert lesson05.check_unbroadcast(SOLUTION["unbroadcast"])
    assert capsys.readouterr().out.count("✓") == 5


def test_the_shape_answers_agree_with_numpy():
    for answer, (a, b) in zip(ANSWERS, lesson05.PAIRS):
        assert answer == lesson05.broadcast_shape(a, b)


@pytest.mark.parametrize("index, answer, kind, says", [
    (1, (4, 3, 5), "transpose", "from the right, not the left"),
    (1, (5, 4), "shape", "as many axes as the longer shape, 3"),
    (2, (2, 3), "value", "these do not broadcast"),
    (0, "error", "value", "these do broadcast"),
    (3, [8, 7, 6, 5], "correct", "correct"),
    (0, "2, 3", "type", "write a tuple of ints"),
    (0, ..., "unanswered", "not answered yet"),
])
def test_shapes_name_the_mistake(capsys, index, answer, kind, says):
    answers = list(ANSWERS)
    answers[index] = answer
    verdict = lesson05.check_broadcast_shapes(answers)
    assert verdict.kind == kind and says in capsys.readouterr().out


def no_keepdims(grad, shape):
    lead = grad.ndim - len(shape)
    grad = grad.sum(axis=tuple(range(lead)))
    return grad.sum(axis=tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1))


def mean_instead(grad, shape):
    lead = grad.ndim - len(shape)
    grad = grad.mean(axis=tuple(range(lead)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    return grad.mean(axis=stretched, keepdims=True)


@pytest.mark.parametrize("fn, kind, says", [
    (lambda grad, shape: grad, "accumulation", "sum it over axis 0"),
    (no_keepdims, "shape", "the numbers are right but the shape is not"),
    (mean_instead, "factor", "do not average them"),
    (lambda grad, shape: grad.sum(), "shape", "expected shape (3,), got ()"),
])
def test_unbroadcast_names_the_mistake(capsys, fn, kind, says):
    verdict = lesson05.check_unbroadcast(fn)
    assert not verdict and verdict.kind == kind and says in capsys.readouterr().out
