"""Tensor code alone trains a 2-layer MLP with hand-written gradient descent (no nn, no optim)."""

import numpy as np

import tinygrad_edu as tg


def two_moons_like(n: int, rng):
    """Two interleaved half circles: not linearly separable, so the hidden layer must do real work."""
    t = rng.uniform(0, np.pi, n)
    first = np.stack([np.cos(t), np.sin(t)], 1)
    second = np.stack([1 - np.cos(t), 0.5 - np.sin(t)], 1)
    x = np.concatenate([first, second]) + rng.normal(0, 0.08, (2 * n, 2))
    y = np.concatenate([np.zeros(n, np.int64), np.ones(n, np.int64)])
    return x.astype(np.float32), y


def test_two_layer_mlp_learns_with_plain_gradient_descent(device):
    rng = np.random.default_rng(0)
    x_np, y_np = two_moons_like(100, rng)
    x, y = tg.tensor(x_np, device=device), tg.tensor(y_np, device=device)
    rows = tg.arange(len(y_np), device=device)
    w1 = tg.tensor(rng.normal(0, 1, (2, 32)).astype(np.float32), requires_grad=True, device=device)
    b1 = tg.zeros(32, requires_grad=True, device=device)
    w2 = tg.tensor(rng.normal(0, 0.3, (32, 2)).astype(np.float32), requires_grad=True, device=device)
    b2 = tg.zeros(2, requires_grad=True, device=device)
    params = [w1, b1, w2, b2]
    losses = []
    for _ in range(300):
        logits = (x @ w1 + b1).tanh() @ w2 + b2
        loss = -logits.log_softmax(dim=1)[rows, y].mean()
        loss.backward()
        with tg.no_grad():
            for p in params:
                p.array -= 0.5 * p.grad.array
                p.grad = None
        losses.append(loss.item())
    accuracy = ((x @ w1 + b1).tanh() @ w2 + b2).argmax(dim=1) == y
    assert losses[-1] < 0.2 * losses[0]
    assert accuracy.float().mean().item() > 0.95
