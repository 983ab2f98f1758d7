"""The mlp_step benchmark compares like with like: every peer takes the same SGD steps (the loss of
each step depends on the updates of the steps before it)."""
import numpy as np
import pytest

from bench.workloads import mlp_step


@pytest.mark.parametrize("peer", ["torch", "tinygrad_edu"])
def test_mlp_step_peers_follow_the_handwritten_numpy_step(peer):
    reference, ours = mlp_step.setup("numpy", {"batch": 8}), mlp_step.setup(peer, {"batch": 8})
    expected = [float(reference()) for _ in range(3)]
    got = [float(ours().item()) for _ in range(3)]
    assert expected[0] != expected[2]
    np.testing.assert_allclose(got, expected, rtol=1e-5)
