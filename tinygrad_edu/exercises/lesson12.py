"""Checks for lesson 12 (debugging gradients): central differences, a diagnosis, and the bug hunt."""
import inspect

import numpy as np

from .judge import is_stub, judge_function, unanswered
from .verdict import Verdict

NUMERIC_CASES = [      # (what, f, its exact gradient, the point)
    ("sum of squares", lambda x: float((x ** 2).sum()), lambda x: 2 * x, np.array([1.0, -2.0, 3.0])),
    ("a product", lambda x: float(x.prod()), lambda x: np.array([x[1] * x[2], x[0] * x[2], x[0] * x[1]]),
     np.array([2.0, -1.5, 0.5])),
    ("(x + y)·z on a matrix", lambda x: float(((x[0] + x[1]) * x[2]).sum()),
     lambda x: np.array([x[2], x[2], x[0] + x[1]]), np.array([[-2.0, 0.0], [5.0, 5.0], [-4.0, 2.0]])),
    ("tanh and exp", lambda x: float(np.tanh(x).sum() + np.exp(0.5 * x).sum()),
     lambda x: 1 - np.tanh(x) ** 2 + 0.5 * np.exp(0.5 * x), np.array([0.3, -0.7, 1.2])),
]


def check_numeric_grad(numeric_grad) -> Verdict:
    """Central differences on four functions, compared with the exact derivatives."""
    if not callable(numeric_grad) or is_stub(numeric_grad):
        return judge_function("numeric_grad", numeric_grad, [], None).show()
    for title, f, exact, x in NUMERIC_CASES:
        given = x.copy()
        verdict = judge_function(
            f"numeric_grad on {title}", numeric_grad, [(f, given)], lambda f, x, exact=exact: exact(x),
            tol=1e-5, hints={"factor": "Central differences divide by 2h: the two points are 2h apart."})
        if not verdict:
            return verdict.show()
        if not np.allclose(given, x, rtol=0, atol=1e-12):
            return Verdict(False, "numeric_grad", f"✗ numeric_grad on {title}: right values, but it changed "
                                                  "the array it was given. Put each element back "
                                                  "(x[i] = saved) or work on a copy.", "restore").show()
    return Verdict(True, "numeric_grad", f"✓ numeric_grad: within 1e-5 of the exact derivatives on all "
                                         f"{len(NUMERIC_CASES)} functions!", "correct").show()


BUGS = ("zero_grad", "broadcast", "saturation", "detached")
DIAGNOSIS = {"A": "zero_grad", "B": "detached", "C": "saturation", "D": "broadcast"}
SIGNS = {"zero_grad": "the gradient used at each step is the sum of all the earlier ones",
         "detached": "a gradient is None: backpropagation never reached that layer",
         "saturation": "almost every hidden unit sits at ±1, where tanh is flat",
         "broadcast": "the loss is stuck near the variance of y and every prediction is about the same"}


def check_diagnosis(diagnosis) -> Verdict:
    """One verdict line per patient; a wrong diagnosis is told the symptom it missed."""
    if not isinstance(diagnosis, dict) or set(diagnosis) != set(DIAGNOSIS):
        return Verdict(False, "diagnosis", "✗ diagnosis: expected a dict with the keys 'A', 'B', 'C' and "
                                           f"'D', got {diagnosis!r}.", "type").show()
    parts = []
    for patient, bug in DIAGNOSIS.items():
        answer = diagnosis[patient]
        name = f"patient {patient}"
        if unanswered(answer):
            parts.append(Verdict(False, name, f"… {name}: not answered yet.", "unanswered"))
        elif answer not in BUGS:
            parts.append(Verdict(False, name, f"✗ {name}: {answer!r} is not one of {BUGS}.", "type"))
        elif answer == bug:
            parts.append(Verdict(True, name, f"✓ {name}: {bug}, correct!", "correct"))
        else:
            parts.append(Verdict(False, name, f"✗ {name}: not {answer}. Look again at the symptom: "
                                              f"{SIGNS[bug]}.", "value"))
    return Verdict.combine("diagnosis", parts).show()


POINTS = {1: (0.7,), 2: (1.5, -0.8)}


def _arity(rule) -> int:
    return len(inspect.signature(rule).parameters)


def _numeric_locals(forward, point, h=1e-6):
    return [(forward(*[v + h * (j == i) for j, v in enumerate(point)]) -
             forward(*[v - h * (j == i) for j, v in enumerate(point)])) / (2 * h) for i in range(len(point))]


def wrong_rules(rules: dict) -> list:
    """The names of the rules whose local derivatives disagree with central differences of their forward."""
    wrong = []
    for op, (forward, rule) in rules.items():
        point = POINTS[_arity(rule)]
        if not np.allclose(rule(*point), _numeric_locals(forward, point), rtol=1e-5, atol=1e-6):
            wrong.append(op)
    return wrong


def check_bug_hunt(rules: dict, buggy_op, fixed_rule) -> Verdict:
    """Names the wrong rule of the lesson's table, then tests the corrected one at several points."""
    if unanswered(buggy_op):
        return Verdict(False, "bug hunt", "… buggy_op: not answered yet. Test each rule, then name the wrong "
                                          "one.", "unanswered").show()
    culprits = wrong_rules(rules)
    if buggy_op not in rules:
        return Verdict(False, "bug hunt", f"✗ buggy_op: {buggy_op!r} is not an operation of RULES "
                                          f"({', '.join(map(repr, rules))}).", "type").show()
    if buggy_op not in culprits:
        return Verdict(False, "bug hunt", f"✗ buggy_op: the rule for {buggy_op!r} is right: its local "
                                          "derivatives agree with central differences. Test every "
                                          "operation, not only the suspicious-looking ones.", "value").show()
    forward, wrong = rules[buggy_op]
    n = _arity(wrong)
    found = Verdict(True, "buggy_op", f"✓ buggy_op = {buggy_op!r}: found it!", "correct")
    points = [POINTS[n]] + ([(2.0, 3.0), (-1.0, 0.5), (0.3, -2.5)] if n == 2 else [(2.0,), (0.4,), (1.7,)])
    fixed = judge_function("fixed_rule", fixed_rule, points,
                           lambda *p: _numeric_locals(forward, p), tol=1e-5,
                           hint=f"differentiate the forward of {buggy_op!r} with respect to each input.")
    return Verdict.combine("bug hunt", [found, fixed]).show()


