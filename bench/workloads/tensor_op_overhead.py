"""Per-op overhead: a tiny op (2x2 a + b) with gradient tracking, alone and followed by .sum().backward().
At this size the array math is nothing, so the figure is the engine's own Python cost per op/backward."""
from bench import Skip

BASELINE = "torch"
PEERS = ["tinygrad_edu", "torch", "numpy"]
CASES = [
    {"work": "a+b forward"},
    {"work": "a+b, .sum().backward()"},
    {"work": "tanh(a*b+a), .sum().backward()"},
]


def _inputs(make):
    return make([[1.0, 2.0], [3.0, 4.0]]), make([[0.5, -1.0], [2.0, 0.25]])


def setup(peer: str, case: dict):
    work = case["work"]
    if peer == "numpy":
        import numpy as np

        if work != "a+b forward":
            raise Skip("NumPy has no autodiff")
        a, b = _inputs(lambda v: np.array(v, dtype=np.float32))
        return lambda: a + b
    if peer == "tinygrad_edu":
        import tinygrad_edu as lib
    elif peer == "torch":
        import torch as lib
    else:
        raise Skip(f"unknown peer {peer}")
    a, b = _inputs(lambda v: lib.tensor(v, requires_grad=True))
    if work == "a+b forward":
        return lambda: a + b

    def step():
        out = (a + b) if work.startswith("a+b") else (a * b + a).tanh()
        out.sum().backward()
        a.grad = b.grad = None

    return step
