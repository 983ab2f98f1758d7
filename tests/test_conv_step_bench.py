"""The conv_step benchmark compares like with like: all three peers take the same SGD steps."""
import numpy as np
import pytest

from bench.workloads import conv_step


@pytest.mark.parametrize("peer", ["torch", "tinygrad_edu"])
def test_conv_step_peers_update_the_weights_like_the_handwritten_numpy_step(peer):
    _, _, initial = conv_step._data_and_params(8)
    reference, ours = conv_step.setup("numpy", {"batch": 8}), conv_step.setup(peer, {"batch": 8})
    for _ in range(2):
        expected, got = reference(), ours()
    for name, start in initial.items():
        value = got[name].detach().numpy() if peer == "torch" else got[name].numpy()
        change, expected_change = value - start, expected[name] - start
        scale = np.abs(expected_change).max()
        assert scale > 0
        np.testing.assert_allclose(change, expected_change, rtol=1e-3, atol=1e-4 * scale, err_msg=name)
