"""The Playground's NumPy forward/backward (playground_fast.py) against the Tensor engine: the same loss and
the same gradients in every parameter, for every activation, loss and regularization, and whole training
runs that agree; plus a float64 central-difference check of the hand-written backward itself."""
import numpy as np
import pytest

from tinygrad_edu.widgets.playground_data import built_in, from_user
from tinygrad_edu.widgets.playground_fast import FastMLP
from tinygrad_edu.widgets.playground_model import build_mlp, layers_of
from tinygrad_edu.widgets.playground_session import TrainingSession

FEATURES = ["x1", "x2", "x1^2", "x1*x2", "sin(x2)"]


def data_for(loss):
    if loss == "bce":
        return built_in("moons", 60, None, 0.5, 1)
    if loss == "mse":
        return built_in("hills", 60, None, 0.5, 1)
    X = np.random.default_rng(2).normal(size=(60, 2))
    return from_user((X, (X[:, 0] > 0).astype(int) + (X[:, 1] > 0)), 0.5, 1)


def session(data, activation="tanh", regularization="none", fast=True, hidden=(4, 3), dtype=None):
    outputs = 1 if data.task == "regression" or len(data.classes) == 2 else len(data.classes)
    model = build_mlp(FEATURES, hidden, activation, outputs, seed=3)
    if dtype is not None:
        model.to(dtype=dtype)
    return TrainingSession(data, model, optimizer="sgd", lr=0.1, regularization=regularization, reg_rate=0.05,
                           batch_size=16, seed=0, fast=fast)


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "linear"])
@pytest.mark.parametrize("loss", ["bce", "ce", "mse"])
@pytest.mark.parametrize("regularization", ["none", "l1", "l2"])
def test_gradients_match_the_tensor_engine(activation, loss, regularization):
    s = session(data_for(loss), activation, regularization)
    assert s.loss_kind == loss and s.fast is not None
    batch = s.train_index[:16]
    fast_loss = s.fast.backward(s.features[batch], s.targets[batch], regularization, s.reg_rate)
    fast_grads = [p.grad.numpy().copy() for p in s.params]
    for p in s.params:
        p.grad = None
    engine = s.tensor_loss(batch)
    engine.backward()
    penalty = 0.0
    weights = [p.numpy() for p in s.params if p.ndim == 2]
    if regularization == "l1":
        penalty = s.reg_rate * sum(np.abs(w).sum() for w in weights)
    elif regularization == "l2":
        penalty = s.reg_rate * 0.5 * sum((w * w).sum() for w in weights)
    np.testing.assert_allclose(fast_loss + penalty, engine.item(), rtol=1e-5)
    for fast, p in zip(fast_grads, s.params):
        np.testing.assert_allclose(fast, p.grad.numpy(), rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("loss", ["bce", "ce", "mse"])
def test_backward_matches_central_differences_in_float64(loss):
    """The hand-written chain rule itself, on a float64 copy of a network: every gradient entry against
    (L(p + h) - L(p - h)) / 2h."""
    s = session(data_for(loss), "tanh", "l2", hidden=(3,), dtype="float64")
    features = s.features.astype(np.float64)
    batch = s.train_index[:12]
    layers = layers_of(s.model)[1]
    fast = FastMLP(layers, loss)

    def total():
        value = fast.backward(features[batch], s.targets[batch], "l2", s.reg_rate)
        weights = [p.array for p in s.params if p.ndim == 2]
        return value + s.reg_rate * 0.5 * sum((w * w).sum() for w in weights)

    total()
    analytic = [p.grad.numpy().copy() for p in s.params]
    h = 1e-6
    for p, grad in zip(s.params, analytic):
        flat = p.array.reshape(-1)
        for i in range(flat.size):
            keep = flat[i]
            flat[i] = keep + h
            up = total()
            flat[i] = keep - h
            down = total()
            flat[i] = keep
            assert abs((up - down) / (2 * h) - grad.reshape(-1)[i]) < 1e-6 + 1e-5 * abs(grad.reshape(-1)[i])


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_a_training_run_agrees_with_the_tensor_engine(optimizer):
    data = data_for("bce")
    runs = []
    for fast in (True, False):
        s = session(data, "tanh", "l1", fast=fast)
        s.set_optimizer(optimizer)
        s.set_lr(0.05)
        s.step(60)
        runs.append((s.history.as_dict(), [p.numpy().copy() for p in s.params], s.fast is not None))
    (h_fast, w_fast, was_fast), (h_engine, w_engine, was_engine) = runs
    assert was_fast and not was_engine
    np.testing.assert_allclose(h_fast["loss"], h_engine["loss"], rtol=1e-4)
    np.testing.assert_allclose(h_fast["test_loss"], h_engine["test_loss"], rtol=1e-4)
    for a, b in zip(w_fast, w_engine):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
