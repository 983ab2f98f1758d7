"""The rnn_step benchmark compares like with like: the hand-written NumPy backward passes give
PyTorch's gradients for the same weights and inputs."""
import numpy as np
import pytest
import torch

from bench.workloads import rnn_step


@pytest.mark.parametrize("layer, gates", [("RNN", 1), ("LSTM", 4), ("GRU", 3)])
def test_handwritten_numpy_gradients_match_pytorch(layer, gates):
    x = rnn_step._data()
    module = getattr(torch.nn, layer)(rnn_step.HIDDEN, rnn_step.HIDDEN)
    with torch.no_grad():
        for p, w in zip(module.parameters(), rnn_step._weights(gates)):
            p.copy_(torch.from_numpy(w))
    out, _ = module(torch.from_numpy(x))
    out.sum().backward()
    ours = rnn_step.setup("numpy", {"layer": layer})()
    for name, (p, g) in zip(["w_ih", "w_hh", "b_ih", "b_hh"], zip(module.parameters(), ours)):
        np.testing.assert_allclose(g, p.grad.numpy(), rtol=2e-3, atol=2e-3, err_msg=name)
