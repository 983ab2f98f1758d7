"""Scalar chain x = x*1.0001 + 0.001 repeated N times, then backward, with tinygrad_edu's `Value` and
micrograd's sharing ONE process, as in a notebook that imports both: before each timed chain of one
engine, the other engine builds and backpropagates a chain of the same length (untimed). Python's
garbage collector runs at its default settings, so each engine pays for walking whatever the other
left behind (micrograd's closures make reference cycles, freed only by the collector)."""
import sys

from bench import Between, Skip
from bench.workloads.scalar_chain import chain

BASELINE = "micrograd"
PEERS = ["tinygrad_edu", "micrograd"]
CASES = [{"N": 10_000}, {"N": 100_000, "_repeats": 5}]


def setup(peer: str, case: dict):
    from micrograd.engine import Value as micrograd_value

    from tinygrad_edu import Value as our_value

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 4 * case["N"] + 1000))  # micrograd's sort recurses
    engines = {"tinygrad_edu": our_value, "micrograd": micrograd_value}
    if peer not in engines:
        raise Skip(f"unknown peer {peer}")
    other = engines["micrograd" if peer == "tinygrad_edu" else "tinygrad_edu"]
    return Between(lambda: chain(engines[peer], case["N"]), lambda: chain(other, case["N"]))
