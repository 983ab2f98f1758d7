"""Checks for lesson 09 (dynamic graphs and RNNs): a weight reused in a loop, predicted; BPTT, written."""
from ..scalar import Value
from .judge import Mistake, judge, judge_function, unanswered
from .predict import expected_value, find_event, move_to, not_predicted
from .verdict import Verdict


def check_loop(animator, uses, grad) -> Verdict:
    """The number of contributions ∂f/∂z adds up in f = a·z·z·z, and its value; then the animator shows it."""
    event = find_event(animator, "z", "grad")
    if unanswered(uses) and unanswered(grad):
        return not_predicted("the uses of z and ∂f/∂z").show()
    a = _value(animator, "a")
    z = _value(animator, "z")
    each = a * z * z
    count = "count the multiplications by z in the loop: each one is an edge from z."
    parts = [judge("the uses of z", uses, expected_value(event, "uses"), hint=count, hints={"factor": count}),
             judge("∂f/∂z", grad, expected_value(event, "grad"), tol=1e-9,
                   hint="each use hands z the product of everything else, a·z·z; add the uses up.",
                   mistakes=[Mistake("accumulation", each, "That is one use's contribution, a·z·z: z is used "
                                                           "three times, so add three of them.")])]
    return move_to(animator, event, Verdict.combine("loop", parts)).show()


def _value(animator, name: str) -> float:
    (node,) = [n for n in animator.snapshot["nodes"] if n["kind"] == "var" and n["name"] == name]
    return node["value"]


def reference_bptt(w, h0, xs):
    """∂h_T/∂w by the scalar engine: unroll the recurrence as a graph and backpropagate."""
    weight, h = Value(w), Value(h0)
    for x in xs:
        h = weight * h + x
    h.backward()
    return weight.grad


def _states(w, h0, xs):
    hs = [h0]
    for x in xs:
        hs.append(w * hs[-1] + x)
    return hs


def _first_only(w, h0, xs):
    """Overwriting instead of adding, walking back from T: what is left is step 1's contribution."""
    return w ** (len(xs) - 1) * h0


def _last_only(w, h0, xs):
    return _states(w, h0, xs)[-2]


def _no_chain(w, h0, xs):
    return sum(_states(w, h0, xs)[:-1])


BPTT_CASES = [(0.5, 1.0, [2.0, 1.0, 3.0]), (-1.2, 0.5, [1.0, 1.0, 1.0, 1.0]), (0.9, 2.0, [0.5]),
              (2.0, -1.0, [1.0, -2.0, 0.5, 3.0, -1.0])]


def check_bptt(bptt_grad) -> Verdict:
    """∂h_T/∂w on sequences of several lengths, against the scalar engine's backward."""
    return judge_function(
        "bptt_grad", bptt_grad, BPTT_CASES, reference_bptt, tol=1e-9,
        hint="∂h_T/∂w = Σ over t of g_t·h_(t-1), where g_T = 1 and g_(t-1) = g_t·w.",
        mistakes=[Mistake("accumulation", _first_only,
                          "w is used at every step: add each step's contribution (dw += g·h_(t-1)) instead "
                          "of overwriting it."),
                  Mistake("accumulation", _last_only, "That is only the last step's contribution, h_(T-1): "
                                                      "w was used at every step; walk back through all."),
                  Mistake("chain", _no_chain, "Going back one step multiplies g by ∂h_t/∂h_(t-1) = w: "
                                              "update g = g·w after each contribution.")]).show()
