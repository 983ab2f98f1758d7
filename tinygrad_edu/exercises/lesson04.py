"""Checks for lesson 04 (neurons to an MLP in scalars): a neuron's gradient, predicted; the SGD update."""
from ..scalar import Value
from .judge import Mistake, is_stub, judge_function
from .predict import reveal
from .verdict import Verdict

NEURON_HINT = ("multiply along the path from o back to w1: ∂o/∂n · ∂n/∂(x1w1) · ∂(x1w1)/∂w1 "
               "= (1 - o²) · 1 · x1.")


def check_neuron(animator, guess) -> Verdict:
    """∂o/∂w1 of the lesson's neuron, then the animator shows the step where it reaches w1."""
    x1, w1 = _data(animator, "x1"), _data(animator, "w1")
    o = _data(animator, "o")
    return reveal(animator, "w1", guess, hint=NEURON_HINT, tol=1e-4, mistakes=[
        Mistake("factor", x1, "the path also passes through tanh: multiply by its local derivative 1 - o²."),
        Mistake("factor", 1 - o * o, "the product x1·w1 hands w1 the other factor, x1: multiply by it."),
        Mistake("swap", w1 * (1 - o * o), "that is ∂o/∂x1: the product hands w1 the *other* factor, x1."),
    ])


def _data(animator, name: str) -> float:
    (node,) = [n for n in animator.snapshot["nodes"] if n["kind"] == "var" and n["name"] == name]
    return node["value"]


STARTS, GRADS, LR = (1.0, -2.0, 0.5, 3.0), (0.5, -1.0, 2.0, 0.0), 0.1


def _updates(step):
    """What `step` does to four parameters with known values and gradients: the change of each .data."""
    def run(lr):
        params = [Value(v) for v in STARTS]
        for p, g in zip(params, GRADS):
            p.grad = g
        result = step(params, lr)
        if result is not None and not isinstance(result, (list, tuple)):
            return result
        return [p.data - v for p, v in zip(params, STARTS)]
    return run


def check_sgd_step(sgd_step) -> Verdict:
    """Each parameter moves by -lr · grad, in place."""
    if not callable(sgd_step) or is_stub(sgd_step):
        return judge_function("sgd_step", sgd_step, [], None).show()
    return judge_function(
        "sgd_step", _updates(sgd_step), [(LR,), (0.5,)], lambda lr: [-lr * g for g in GRADS],
        hints={"sign": "Step against the gradient: p.data -= lr * p.grad (the gradient points uphill).",
               "factor": "Multiply the gradient by the learning rate lr.",
               "zero": "No parameter changed. Change each parameter's .data in place (p.data -= ...): "
                       "`p -= ...` only gives the loop variable a new value."},
        mistakes=[Mistake("assign", lambda lr: [-lr * g - v for g, v in zip(GRADS, STARTS)],
                          "Subtract from the current value: p.data = p.data - lr * p.grad.")]).show()
