"""Backward through indexing adds each use's gradient into the input's running sum in place
(GetItem.backward_into): a tensor indexed in a loop, x[t] at every step, must still get exactly
PyTorch's gradient, whatever else uses it, with hooks, retain_graph and create_graph."""
import numpy as np
import pytest
import torch

import tinygrad_edu as tg

R = np.random.default_rng(5)
KEYS = [
    lambda t: t,                                  # one int per step
    lambda t: slice(t, t + 2),                    # overlapping slices
    lambda t: np.array([t, t, 0]),                # an index array with repeats
    lambda t: (slice(None), t % 3),               # a column
]


@pytest.mark.parametrize("key", range(len(KEYS)))
def test_indexing_in_a_loop_gives_pytorchs_gradient(key):
    x = R.standard_normal((6, 3))
    ours, theirs = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)

    def loss(t, lib):
        total = (t * 2).sum()                         # a gradient from outside the loop (a broadcast view)
        for step in range(4):
            index = KEYS[key](step)
            index = lib.tensor(index) if isinstance(index, np.ndarray) else index
            total = total + (t[index] * (step + 1)).tanh().sum()
        return total

    loss(ours, tg).backward()
    loss(theirs, torch).backward()
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-12)


def test_a_hook_sees_the_summed_gradient_once_and_retain_graph_repeats_it():
    x = tg.tensor(R.standard_normal((4, 2)), requires_grad=True)
    h = x * 1.0
    seen = []
    h.register_hook(lambda g: seen.append(g.numpy().copy()))
    loss = h[0].sum() + h[1].sum() * 2 + h[0].sum()
    loss.backward(retain_graph=True)
    expected = np.array([[2, 2], [2, 2], [0, 0], [0, 0]], float)
    assert len(seen) == 1
    np.testing.assert_array_equal(seen[0], expected)
    loss.backward()
    np.testing.assert_array_equal(x.grad.numpy(), 2 * expected)


def test_second_derivatives_through_indexing_in_a_loop():
    x = R.standard_normal(5)
    ours, theirs = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    results = []
    for t, lib in ((ours, tg), (theirs, torch)):
        total = sum((t[i] ** 3) for i in (0, 1, 1, 4))
        (g,) = (tg.grad if lib is tg else torch.autograd.grad)(total, [t], create_graph=True)
        (gg,) = (tg.grad if lib is tg else torch.autograd.grad)((g * g).sum(), [t])
        results.append(gg.numpy())
    np.testing.assert_allclose(*results, rtol=1e-12)
