"""Checks for lesson 06 (layers and losses): a stable cross-entropy with its gradient; a confusion matrix."""
import numpy as np

from ..tensor import Tensor
from .judge import Mistake, is_stub, judge, judge_function, raised
from .verdict import Verdict

CE_CASES = [
    ("small scores", [[2.0, 1.0, 0.1], [0.5, 2.5, 0.0]], [0, 2]),
    ("scores near 1000", [[1000.0, 999.0, 998.0], [-5.0, 1000.0, 3.0]], [0, 1]),
    ("a batch of 4", [[0.2, -1.0, 0.3, 2.0, 0.0], [1.5, 0.1, -0.4, 0.0, 0.7], [0.0, 0.0, 0.0, 0.0, 0.0],
                      [-2.0, 3.0, 0.5, -0.5, 1.0]], [3, 0, 2, 1]),
]
CE_HINTS = {"nan": "Subtract each row's largest score before exp: e^1000 overflows, e^0 does not.",
            "factor": "Take the mean over the batch (divide by N), not the sum.",
            "sign": "The loss is MINUS the log-probability of the true class (log p < 0, the loss > 0)."}


def _log_softmax(s, axis=1):
    m = s.max(axis=axis, keepdims=True)
    return s - m - np.log(np.exp(s - m).sum(axis=axis, keepdims=True))


def _reference_ce(s, t):
    return -_log_softmax(s)[np.arange(len(t)), t].mean()


def _probs(s):
    return np.exp(_log_softmax(s))


def check_cross_entropy(cross_entropy) -> Verdict:
    """The loss value on small and huge scores, and the gradient backpropagation gets through it."""
    name = "cross_entropy"
    if not callable(cross_entropy) or is_stub(cross_entropy):
        return judge_function(name, cross_entropy, [], None).show()
    for title, rows, targets in CE_CASES:
        s, t = np.array(rows), np.array(targets)
        scores = Tensor(s, requires_grad=True)
        try:
            loss = cross_entropy(scores, t)
        except Exception as err:        # the student's code: a verdict, not a traceback
            return raised(name, f"{name} on {title}", err).show()
        where = f"{name} on {title}"
        if not isinstance(loss, Tensor):
            if judge(where, loss, 0.0).kind == "type":
                return judge(where, loss, 0.0).show()
            return Verdict(False, name, f"✗ {where} returned a {type(loss).__name__}, not a Tensor: keep to "
                                        "tensor operations to the end (.numpy() and .item() cut the graph, "
                                        "so no gradient could flow back).", "detached").show()
        mistakes = [Mistake("factor", _reference_ce(s, t) * len(t), CE_HINTS["factor"]),
                    Mistake("axis", -_log_softmax(s, axis=0)[np.arange(len(t)), t].mean(),
                            "Softmax runs over the classes of each example (dim=1), not over the batch "
                            "(dim=0).")]
        verdict = judge(where, loss, _reference_ce(s, t), hints=CE_HINTS, mistakes=mistakes, tol=1e-5)
        if not verdict:
            return verdict.show()
        if loss.shape != ():
            return Verdict(False, name, f"✗ {where}: expected one number (shape ()), got shape {loss.shape}: "
                                        "take the mean.", "shape").show()
        if loss.requires_grad:
            try:
                loss.backward()
            except Exception as err:
                return raised(name, f"backward through {where}", err).show()
        if scores.grad is None:
            return Verdict(False, name, f"✗ {where}: no gradient reached the scores; something detached them "
                                        "(.numpy(), .item(), .detach() or a new tensor from their values).",
                           "detached").show()
        expected = (_probs(s) - np.eye(s.shape[1])[t]) / len(t)
        verdict = judge(f"the gradient of {where}", scores.grad, expected, tol=1e-5, hints=CE_HINTS)
        if not verdict:
            return verdict.show()
    return Verdict(True, name, f"✓ {name}: right value and gradient on all {len(CE_CASES)} batches, huge "
                               "scores included!", "correct").show()


def _counted_once(actual, predicted, classes):
    """The fancy-indexing slip: m[a, p] += 1 adds once per distinct pair."""
    m = np.zeros((classes, classes), dtype=int)
    m[actual, predicted] += 1
    return m


def reference_confusion(actual, predicted, classes):
    m = np.zeros((classes, classes), dtype=int)
    np.add.at(m, (actual, predicted), 1)
    return m


CONFUSION_CASES = [(np.array([0, 1, 2, 2, 1, 0, 2]), np.array([0, 2, 2, 2, 1, 1, 0]), 3),
                   (np.array([3, 3, 3, 0, 1]), np.array([3, 3, 0, 0, 1]), 4)]


def check_confusion_matrix(confusion_matrix) -> Verdict:
    """Counts every (actual, predicted) pair, rows actual and columns predicted."""
    return judge_function(
        "confusion_matrix", confusion_matrix, CONFUSION_CASES, reference_confusion,
        hints={"transpose": "Rows are the actual class, columns the predicted one: "
                            "counts[actual, predicted]."},
        mistakes=[Mistake("accumulation", _counted_once,
                          "Repeated pairs were counted once: with index arrays m[a, p] += 1 does not add "
                          "twice to the same entry. Loop over the pairs, or use np.add.at(m, (a, p), 1).")],
    ).show()
