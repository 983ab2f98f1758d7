"""Scalar chain x = x*1.0001 + 0.001 repeated N times, then backward: per-node cost of building
and backpropagating a deep scalar graph (tinygrad_edu `Value` vs micrograd vs PyTorch 0-d tensors)."""
import sys

from bench import Skip

BASELINE = "micrograd"
PEERS = ["tinygrad_edu", "micrograd", "torch"]
CASES = [{"N": 1_000}, {"N": 10_000}, {"N": 100_000, "_repeats": 5}, {"N": 1_000_000, "_repeats": 3}]


def setup(peer: str, case: dict):
    n = case["N"]
    if peer == "tinygrad_edu":
        from tinygrad_edu import Value as make
    elif peer == "micrograd":
        from micrograd.engine import Value as make
        sys.setrecursionlimit(max(sys.getrecursionlimit(), 4 * n + 1000))  # its topological sort recurses
    elif peer == "torch":
        import torch

        def make(x):
            return torch.tensor(x, dtype=torch.float64, requires_grad=True)
    else:
        raise Skip(f"unknown peer {peer}")

    return lambda: chain(make, n)


def chain(make, n: int):
    """Build x*1.0001 + 0.001 n times from the leaf make(1.0), backpropagate, return the leaf's grad."""
    x = make(1.0)
    h = x
    for _ in range(n):
        h = h * 1.0001 + 0.001
    h.backward()
    return x.grad
