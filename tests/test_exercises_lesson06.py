"""Lesson 06's checks: a stable cross-entropy (value and gradient) and a confusion matrix."""
import numpy as np
import pytest

from tests.lesson_solutions import solution_namespace
from tinygrad_edu.exercises import lesson06

SOLUTION = solution_namespace("06", {"np": np})


def test_the_solutions_pass(capsys):
    assert lesson06.check_cross_entropy(SOLUTION["cross_entropy"])
    assert lesson06.check_confusion_matrix(SOLUTION["confusion_matrix"])
    assert capsys.readouterr().out.count("✓") == 2


def pick(log_probs, targets):
    return log_probs[np.arange(len(targets)), targets]


def naive(scores, targets):
    probs = scores.exp() / scores.exp().sum(dim=1, keepdim=True)
    return -pick(probs.log(), targets).mean()


def summed(scores, targets):
    shifted = scores - scores.amax(dim=1, keepdim=True)
    return -pick(shifted - shifted.exp().sum(dim=1, keepdim=True).log(), targets).sum()


def no_minus(scores, targets):
    shifted = scores - scores.amax(dim=1, keepdim=True)
    return pick(shifted - shifted.exp().sum(dim=1, keepdim=True).log(), targets).mean()


def over_batch(scores, targets):
    shifted = scores - scores.amax(dim=0, keepdim=True)
    return -pick(shifted - shifted.exp().sum(dim=0, keepdim=True).log(), targets).mean()


def as_number(scores, targets):
    return float(SOLUTION["cross_entropy"](scores, targets).item())


def detached(scores, targets):
    return SOLUTION["cross_entropy"](scores.detach(), targets)


@pytest.mark.parametrize("fn, kind, says", [
    (naive, "nan", "Subtract each row's largest score"),
    (summed, "factor", "not the sum"),
    (no_minus, "sign", "MINUS the log-probability"),
    (over_batch, "axis", "not over the batch"),
    (as_number, "detached", "returned a float, not a Tensor"),
    (detached, "detached", "no gradient reached the scores"),
])
def test_cross_entropy_names_the_mistake(capsys, fn, kind, says):
    with np.errstate(all="ignore"):
        verdict = lesson06.check_cross_entropy(fn)
    assert not verdict and verdict.kind == kind and says in capsys.readouterr().out


def counted_once(actual, predicted, classes):
    m = np.zeros((classes, classes), dtype=int)
    m[actual, predicted] += 1
    return m


def transposed(actual, predicted, classes):
    return SOLUTION["confusion_matrix"](predicted, actual, classes)


@pytest.mark.parametrize("fn, kind, says", [
    (counted_once, "accumulation", "np.add.at"),
    (transposed, "transpose", "Rows are the actual class"),
    (lambda a, p, c: np.zeros((c, c + 1)), "shape", "expected shape (3, 3), got (3, 4)"),
])
def test_confusion_names_the_mistake(capsys, fn, kind, says):
    verdict = lesson06.check_confusion_matrix(fn)
    assert not verdict and verdict.kind == kind and says in capsys.readouterr().out
