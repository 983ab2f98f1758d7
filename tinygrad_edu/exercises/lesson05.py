"""Checks for lesson 05 (tensors and broadcasting): broadcast shapes, predicted; unbroadcast, written."""
import numpy as np

from .judge import is_stub, judge_function, unanswered
from .verdict import Verdict

PAIRS = [((2, 3), (3,)), ((5, 1, 4), (3, 1)), ((2, 3), (2,)), ((8, 1, 6, 1), (7, 1, 5))]
RULE = ("line the shapes up from the right; each pair of sizes must be equal or contain a 1, and the "
        "result takes the larger size (missing sizes count as 1)")


def broadcast_shape(a: tuple, b: tuple):
    """NumPy's answer: the broadcast shape, or "error"."""
    try:
        return tuple(np.broadcast_shapes(a, b))
    except ValueError:
        return "error"


def _judge_shape(label: str, answer, a: tuple, b: tuple) -> Verdict:
    name = f"{label}: {a} and {b}"
    expected = broadcast_shape(a, b)
    if unanswered(answer):
        return Verdict(False, name, f"… {name}: not answered yet.", "unanswered")
    if isinstance(answer, str) and answer.strip().lower() == "error":
        answer = "error"
    elif isinstance(answer, list):
        answer = tuple(answer)
    if answer == expected:
        return Verdict(True, name, f"✓ {name} give {expected}: correct!", "correct")
    if not (answer == "error" or isinstance(answer, tuple) and all(isinstance(n, int) for n in answer)):
        return Verdict(False, name, f"✗ {name}: write a tuple of ints like (4, 3), or \"error\"; got "
                                    f"{answer!r}.", "type")
    if expected == "error":
        return Verdict(False, name, f"✗ {name}: these do not broadcast. Hint: {RULE}.", "value")
    if answer == "error":
        return Verdict(False, name, f"✗ {name}: these do broadcast. Hint: {RULE}.", "value")
    if len(answer) != len(expected):
        return Verdict(False, name, f"✗ {name}: the result has as many axes as the longer shape, "
                                    f"{len(expected)}, not {len(answer)}.", "shape")
    if sorted(answer) == sorted(expected):
        return Verdict(False, name, f"✗ {name}: the right sizes in the wrong order: line the shapes up "
                                    "from the right, not the left.", "transpose")
    return Verdict(False, name, f"✗ {name}: {answer} is not right. Hint: {RULE}.", "value")


def check_broadcast_shapes(answers) -> Verdict:
    """One verdict line per pair of the exercise."""
    if unanswered(answers) and not isinstance(answers, (list, tuple)):
        answers = [...] * len(PAIRS)
    if len(answers) != len(PAIRS):
        return Verdict(False, "shapes", f"✗ shapes: expected {len(PAIRS)} answers, got {len(answers)}.",
                       "type").show()
    parts = [_judge_shape(f"shape_{chr(ord('a') + i)}", answer, *pair)
             for i, (answer, pair) in enumerate(zip(answers, PAIRS))]
    return Verdict.combine("broadcast shapes", parts).show()


def reference_unbroadcast(grad, shape):
    grad = np.asarray(grad)
    lead = grad.ndim - len(shape)
    summed = grad.sum(axis=tuple(range(lead))) if lead else grad
    keep = tuple(i for i, n in enumerate(shape) if n == 1 and summed.shape[i] != 1)
    return summed.sum(axis=keep, keepdims=True) if keep else summed


def _arange(*shape):
    return np.arange(1.0, 1.0 + np.prod(shape, dtype=int)).reshape(shape)


CASES = [(_arange(4, 3), (3,)), (_arange(4, 3), (4, 1)), (_arange(2, 4, 3), (1, 3)), (_arange(2, 3), (2, 3)),
         (_arange(4, 3), ()), (_arange(3, 1, 2), (1, 2))]


def check_unbroadcast(unbroadcast) -> Verdict:
    """Gradients summed back to the input shape, keeping size-1 axes."""
    if not callable(unbroadcast) or is_stub(unbroadcast):
        return judge_function("unbroadcast", unbroadcast, [], None).show()
    return judge_function(
        "unbroadcast", lambda grad, shape: unbroadcast(grad.copy(), shape), CASES, reference_unbroadcast,
        hints={"factor": "Sum the contributions, do not average them: each use hands back its whole "
                         "gradient."}).show()
