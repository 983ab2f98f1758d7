"""Lesson 08's checks: im2col, and the gradient of max pooling."""
import numpy as np
import pytest

from tests.lesson_solutions import solution_namespace
from tinygrad_edu.exercises import lesson08

SOLUTION = solution_namespace("08", {"np": np})
X = np.array([[1.0, 3.0, 2.0, 0.0], [4.0, 2.0, 1.0, 5.0], [0.0, 1.0, 6.0, 2.0], [2.0, 7.0, 3.0, 1.0]])
G = np.array([[1.0, 2.0], [3.0, 4.0]])
# worked out by hand: each window's largest element receives that window's upstream gradient
BY_HAND = np.array([[0, 0, 0, 0], [1, 0, 0, 2], [0, 0, 4, 0], [0, 3, 0, 0]], dtype=float)


def test_the_solutions_pass(capsys):
    assert lesson08.check_im2col(SOLUTION["im2col"])
    assert lesson08.check_pool_gradient(X, G, SOLUTION["my_pool_grad"])
    assert capsys.readouterr().out.count("✓") == 2


def test_the_framework_routes_the_pooling_gradient_as_worked_out_by_hand():
    assert np.array_equal(lesson08.pool_gradient(X, G), BY_HAND)


def windows(image, k, order="rows", flatten="rows"):
    h, w = image.shape[0] - k + 1, image.shape[1] - k + 1
    spots = [(i, j) for i in range(h) for j in range(w)] if order == "rows" else \
            [(i, j) for j in range(w) for i in range(h)]
    pick = (lambda win: win.ravel()) if flatten == "rows" else (lambda win: win.T.ravel())
    return np.array([pick(image[i:i + k, j:j + k]) for i, j in spots])


@pytest.mark.parametrize("fn, kind, says", [
    (lambda image, k: windows(image, k).T, "transpose", "One ROW per window"),
    (lambda image, k: windows(image, k, flatten="columns"), "order", "row by row"),
    (lambda image, k: windows(image, k, order="columns"), "order", "reading order"),
    (lambda image, k: windows(image, k)[:-1], "shape", "expected shape (9, 4), got (8, 4)"),
])
def test_im2col_names_the_mistake(capsys, fn, kind, says):
    verdict = lesson08.check_im2col(fn)
    assert not verdict and verdict.kind == kind and says in capsys.readouterr().out


@pytest.mark.parametrize("answer, kind, says", [
    (np.kron(G, np.ones((2, 2))) / 4, "average", "average pooling"),
    (np.kron(G, np.ones((2, 2))), "spread", "the others get 0"),
    ((BY_HAND != 0).astype(float), "upstream", "Right places"),
    (BY_HAND.T, "transpose", "transpose"),
    (np.zeros((2, 2)), "shape", "expected shape (4, 4), got (2, 2)"),
    (-BY_HAND, "sign", "opposite sign"),
])
def test_pool_gradient_names_the_mistake(capsys, answer, kind, says):
    verdict = lesson08.check_pool_gradient(X, G, answer)
    assert not verdict and verdict.kind == kind and says in capsys.readouterr().out
