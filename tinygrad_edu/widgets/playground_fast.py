"""Forward and backward of the Playground's own networks (features -> Linear + activation ... -> Linear),
written out in NumPy.

Why this exists: one Playground step on the default 2-4-2-1 network is about twenty Tensor ops on arrays of
a few dozen numbers, so the Tensor engine's fixed cost per op (recording the graph, checking shapes and
broadcasts, tens of µs each) is nearly all of the time, about 1,000 steps per second once the train and
test losses are measured every step. Written by hand the same step costs a few µs per layer, which lets the
browser show ten thousand steps a second. It computes exactly what `loss.backward()` would (the gradients
are checked against the Tensor engine in tests/test_playground_fast.py), it writes them into each
parameter's `.grad`, and the update is still `tinygrad_edu.optim`'s `step()`. Models passed in with
`model=` train through the Tensor engine.
"""
from collections.abc import Callable

import numpy as np

from ..tensor import Tensor


def _sigmoid(z):
    return 0.5 * (1 + np.tanh(0.5 * z))     # the engine's formula: never overflows


# activation -> (forward f(z), derivative written from its output a and input z)
ACTIVATIONS: dict[str | None, tuple[Callable, Callable | None]] = {
    "tanh": (np.tanh, lambda a, z: 1 - a * a),
    "relu": (lambda z: np.maximum(z, 0), lambda a, z: z > 0),
    "sigmoid": (_sigmoid, lambda a, z: a * (1 - a)),
    "linear": (lambda z: z, None),        # nn.Identity between layers
    None: (lambda z: z, None),            # the output layer: logits
}


def per_sample_loss(logits: np.ndarray, target: np.ndarray, loss: str) -> np.ndarray:
    """Each point's loss: "bce" (sigmoid cross entropy of one logit), "ce" (softmax), "mse" (squared)."""
    if loss == "bce":
        z = logits[:, 0]
        return (1 - target) * z + np.logaddexp(0, -z)
    if loss == "ce":
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_norm = np.log(np.exp(shifted).sum(axis=1))
        return log_norm - shifted[np.arange(len(target)), target]
    return (logits[:, 0] - target) ** 2


def _loss_gradient(logits, target, loss):
    """∂(mean loss)/∂logits."""
    n = len(target)
    if loss == "bce":
        return ((_sigmoid(logits[:, 0]) - target) / n)[:, None]
    if loss == "ce":
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        g = e / e.sum(axis=1, keepdims=True)
        g[np.arange(n), target] -= 1
        return g / n
    return (2 * (logits[:, 0] - target) / n)[:, None]


class FastMLP:
    """Trains the Linear layers `layers` [(nn.Linear, activation name or None), ...] of a Playground network
    on precomputed feature columns. The parameters stay the model's own: it reads `.array` every step and
    writes `.grad` in place, so the model, its optimizer and a GraphAnimator always agree."""

    def __init__(self, layers, loss: str):
        # (weight, bias, activation) with the Parameters looked up once (Module attribute access is slow)
        self.layers = [(linear.weight, linear.bias, ACTIVATIONS[act]) for linear, act in layers]
        self.loss = loss

    def forward(self, features: np.ndarray) -> list:
        """[(z, a)] per layer, from the feature columns (n, f)."""
        steps, h = [], features
        for weight, bias, (f, _) in self.layers:
            z = h @ weight.array.T + bias.array
            h = f(z)
            steps.append((z, h))
        return steps

    def logits(self, features: np.ndarray) -> np.ndarray:
        return self.forward(features)[-1][1]

    def backward(self, features, target, regularization: str, rate: float) -> float:
        """Mean loss of the batch; leaves ∂(loss + penalty)/∂p in every parameter's `.grad`."""
        steps = self.forward(features)
        logits = steps[-1][1]
        g = _loss_gradient(logits, target, self.loss)
        for i in range(len(self.layers) - 1, -1, -1):
            weight, bias, (_, derivative) = self.layers[i]
            z, a = steps[i]
            if derivative is not None:
                g = g * derivative(a, z)
            below = steps[i - 1][1] if i else features
            grad_w = g.T @ below
            if regularization == "l1" and rate:
                grad_w += rate * np.sign(weight.array)
            elif regularization == "l2" and rate:
                grad_w += rate * weight.array
            _store(weight, grad_w)
            _store(bias, g.sum(axis=0))
            if i:
                g = g @ weight.array
        return float(per_sample_loss(logits, target, self.loss).mean())


def _store(param, grad):
    """Write a gradient into `param.grad`, reusing its array (no allocation per step once it exists)."""
    if param.grad is None or param.grad.shape != param.shape:
        param.grad = Tensor(grad.astype(param.dtype))
    else:
        param.grad.array[...] = grad
