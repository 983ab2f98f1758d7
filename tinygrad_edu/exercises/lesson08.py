"""Checks for lesson 08 (convolutional networks): im2col, and the gradient of max pooling, predicted."""
import numpy as np

from ..tensor import Tensor, max_pool2d
from .judge import Mistake, is_stub, judge, judge_function
from .verdict import Verdict


def reference_im2col(image, k):
    h, w = image.shape[0] - k + 1, image.shape[1] - k + 1
    return np.array([image[i:i + k, j:j + k].ravel() for i in range(h) for j in range(w)])


def _by_columns(image, k):
    h, w = image.shape[0] - k + 1, image.shape[1] - k + 1
    return np.array([image[i:i + k, j:j + k].T.ravel() for i in range(h) for j in range(w)])


def _column_order(image, k):
    h, w = image.shape[0] - k + 1, image.shape[1] - k + 1
    return np.array([image[i:i + k, j:j + k].ravel() for j in range(w) for i in range(h)])


IM2COL_CASES = [(np.arange(16.0).reshape(4, 4), 2), (np.arange(25.0).reshape(5, 5) ** 1.5, 3),
                (np.arange(18.0).reshape(3, 6) - 7.0, 3)]


def check_im2col(im2col) -> Verdict:
    """Rows are windows in reading order, each window flattened row by row."""
    if not callable(im2col) or is_stub(im2col):
        return judge_function("im2col", im2col, [], None).show()
    return judge_function(
        "im2col", lambda image, k: im2col(image.copy(), k), IM2COL_CASES, reference_im2col,
        hint="compare one row with image[i:i + k, j:j + k].ravel() for the window at (i, j).",
        hints={"transpose": "One ROW per window (shape: windows × k·k), not one column."},
        mistakes=[Mistake("order", _by_columns, "Flatten each window row by row (window.ravel()), "
                                                "not column by column."),
                  Mistake("order", _column_order, "List the windows in reading order: left to right "
                                                   "along a row first (j inner, i outer).")],
    ).show()


def pool_gradient(X, G):
    """∂L/∂X for y = max_pool2d(X, 2) and ∂L/∂y = G, by backpropagation through the framework."""
    x = Tensor(np.asarray(X, dtype=np.float64)[None, None], requires_grad=True)
    (max_pool2d(x, 2) * Tensor(np.asarray(G, dtype=np.float64)[None, None])).sum().backward()
    return x.grad.numpy()[0, 0]


def check_pool_gradient(X, G, answer) -> Verdict:
    """The 4x4 gradient of 2x2 max pooling for the lesson's X and upstream G."""
    expected = pool_gradient(X, G)
    winners = (expected != 0).astype(float)
    return judge("∂L/∂X", answer, expected, tol=1e-9, hints={
        "factor": "The winner of each window receives the upstream gradient of its window, G[i, j]."},
        hint="Only the largest element of each 2×2 window affects the output; it receives that window's "
             "upstream gradient, and every other element gets 0.",
        mistakes=[Mistake("average", np.kron(G, np.ones((2, 2))) / 4,
                          "That is average pooling's gradient (G/4 everywhere). Max pooling sends each "
                          "window's gradient to its largest element only."),
                  Mistake("spread", np.kron(G, np.ones((2, 2))),
                          "Only the largest element of each window receives the gradient; the others get 0."),
                  Mistake("upstream", winners,
                          "Right places! Now multiply by the upstream gradient: the winner of window (i, j) "
                          "receives G[i, j].")]).show()
