"""A micrograd-style MLP on scalar `Value`s: every weight is one node, so the whole net can be drawn.

It mirrors nn.Linear/Module on a scale a student can trace by hand: a Neuron is a weighted sum
plus a bias through an optional ReLU; a Layer is a list of Neurons; an MLP is a list of Layers.
"""
import random

from ..scalar import Value


class ScalarModule:
    """`parameters()` and `zero_grad()` for the scalar models below."""

    def parameters(self):
        return []

    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0


class Neuron(ScalarModule):
    def __init__(self, n_inputs, nonlin=True, rng=random):
        self.w = [Value(rng.uniform(-1, 1), label="w") for _ in range(n_inputs)]
        self.b = Value(0.0, label="b")
        self.nonlin = nonlin

    def __call__(self, x):
        if len(x) != len(self.w):
            raise ValueError(f"Neuron: expected {len(self.w)} inputs, got {len(x)}")
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.relu() if self.nonlin else act

    def parameters(self):
        return self.w + [self.b]

    def __repr__(self):
        return f"{'ReLU' if self.nonlin else 'Linear'}Neuron({len(self.w)})"


class Layer(ScalarModule):
    def __init__(self, n_inputs, n_outputs, nonlin=True, rng=random):
        self.neurons = [Neuron(n_inputs, nonlin, rng) for _ in range(n_outputs)]

    def __call__(self, x):
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self):
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(ScalarModule):
    """`MLP(2, [16, 16, 1])`: ReLU hidden layers, a linear last layer. Weights are drawn from Python's
    global `random`, in micrograd's order, so `random.seed(1337)` gives micrograd's weights; `seed=`
    draws from a generator of its own instead (leaving the global one alone)."""

    def __init__(self, n_inputs, sizes, seed=None):
        rng = random if seed is None else random.Random(seed)
        widths = [n_inputs] + list(sizes)
        self.layers = [Layer(widths[i], widths[i + 1], nonlin=i != len(sizes) - 1, rng=rng)
                       for i in range(len(sizes))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self):
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"
