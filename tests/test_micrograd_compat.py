"""`tinygrad_edu.Value` is a drop-in replacement for micrograd's `Value`.

Differential testing: random programs written against micrograd's API run once on micrograd's
own engine and once on ours; data and gradients must agree. Then micrograd's own `nn` module
runs unchanged with our Value substituted for its own.
"""
import math
import random

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import tinygrad_edu

micrograd_engine = pytest.importorskip("micrograd.engine")
micrograd_nn = pytest.importorskip("micrograd.nn")

# Each step of a program: (how it combines two live values, or a value and a constant).
STEPS = [
    lambda a, b, c: a + b, lambda a, b, c: a * b, lambda a, b, c: a - b, lambda a, b, c: b - a,
    lambda a, b, c: a + c, lambda a, b, c: c + a, lambda a, b, c: a * c, lambda a, b, c: c * a,
    lambda a, b, c: a - c, lambda a, b, c: c - a, lambda a, b, c: -a, lambda a, b, c: a.relu(),
    lambda a, b, c: a ** 2, lambda a, b, c: a ** 3, lambda a, b, c: a / (b * b + 1.0),
    lambda a, b, c: c / (a * a + 1.0), lambda a, b, c: (a * a + 1.0) ** -0.5,
]


def run_program(Value, inputs, program):
    values = [Value(v) for v in inputs]
    live = list(values)
    for step, i, j, c in program:
        a, b = live[i % len(live)], live[j % len(live)]
        out = STEPS[step](a, b, c)
        out += out * 0.5                # in-place style from micrograd's own tests
        live.append(out)
    root = live[-1]
    root.backward()
    return root.data, [v.grad for v in values]


program_strategy = st.lists(
    st.tuples(st.integers(0, len(STEPS) - 1), st.integers(0, 50), st.integers(0, 50), st.floats(-3, 3)),
    min_size=1, max_size=25)


@given(inputs=st.lists(st.floats(-3, 3), min_size=1, max_size=4), program=program_strategy)
def test_random_programs_match_micrograds_engine(inputs, program):
    try:
        theirs = run_program(micrograd_engine.Value, inputs, program)
    except (OverflowError, ZeroDivisionError):
        theirs = None
    assume(theirs is not None and all(map(math.isfinite, [theirs[0], *theirs[1]])))
    ours = run_program(tinygrad_edu.Value, inputs, program)
    assert ours[0] == pytest.approx(theirs[0], rel=1e-9, abs=1e-9)
    assert ours[1] == pytest.approx(theirs[1], rel=1e-9, abs=1e-9)


def test_micrograds_own_nn_module_runs_on_our_value(monkeypatch):
    def train(seed):
        random.seed(seed)
        model = micrograd_nn.MLP(3, [4, 4, 1])
        xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
        ys = [1.0, -1.0, -1.0, 1.0]
        losses = []
        for _ in range(5):
            preds = [model(x) for x in xs]
            loss = sum((p - y) ** 2 for p, y in zip(preds, ys))
            model.zero_grad()
            loss.backward()
            for p in model.parameters():
                p.data -= 0.05 * p.grad
            losses.append(loss.data)
        return losses, [p.data for p in model.parameters()]

    reference = train(0)
    monkeypatch.setattr(micrograd_nn, "Value", tinygrad_edu.Value)
    substituted = train(0)
    assert isinstance(micrograd_nn.Neuron(2).w[0], tinygrad_edu.Value)
    assert substituted[0] == pytest.approx(reference[0], rel=1e-12)
    assert substituted[1] == pytest.approx(reference[1], rel=1e-12)
    assert substituted[0][-1] < substituted[0][0]


def _demo_training(Value, MLP, steps):
    """micrograd's demo notebook: two moons, MLP(2, [16, 16, 1]) with weights from `random.seed(1337)`,
    max-margin loss with L2, SGD with a decaying rate (50 moons of ours, as Python floats, so both
    engines compute in float64 as micrograd's demo does)."""
    X, y = tinygrad_edu.data.make_moons(n_samples=50, noise=0.1, seed=1337, dtype="float64")
    X, y = X.tolist(), (y * 2 - 1).tolist()
    random.seed(1337)
    model = MLP(2, [16, 16, 1])
    history = []
    for k in range(steps):
        inputs = [list(map(Value, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss
        accuracy = sum((yi > 0) == (s.data > 0) for yi, s in zip(y, scores)) / len(y)
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        history.append((total_loss.data, accuracy))
    return history


def test_micrograds_demo_reproduces_on_our_value_and_mlp():
    """The demo's weights come from `random.seed(1337)`, so our scalar MLP must draw from the global
    `random` in micrograd's order; then every loss matches micrograd's own run."""
    from tinygrad_edu.nn.scalar_mlp import MLP

    theirs = _demo_training(micrograd_engine.Value, micrograd_nn.MLP, steps=3)
    ours = _demo_training(tinygrad_edu.Value, MLP, steps=3)
    assert [a for _, a in ours] == [a for _, a in theirs]
    assert [loss for loss, _ in ours] == pytest.approx([loss for loss, _ in theirs], rel=1e-12)
    assert ours[-1][0] < ours[0][0]
