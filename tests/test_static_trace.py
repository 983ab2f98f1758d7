"""trace(): the graph of MLP, CNN and RNN models gives dynamic mode's outputs and gradients; a whole
training step (backward + optimizer) is one graph that trains like the dynamic loop; tracing warns
where the graph cannot follow the Python function, refuses what it cannot record, and changes nothing."""
import re
import warnings

import numpy as np
import pytest
import torch
from static_models import MODELS, batch, classify_step, mlp

import tinygrad_edu as tg
from tinygrad_edu.static import TraceError, TracerWarning


@pytest.mark.parametrize("name", sorted(MODELS))
def test_outputs_and_gradients_equal_dynamic(name):
    model, x = MODELS[name]()
    g = tg.trace(model, x)
    np.testing.assert_allclose(g(x).numpy(), model(x).numpy(), rtol=1e-6, atol=1e-6)
    names = [n for n, _ in model.named_parameters()]
    xg = x.detach().requires_grad_()
    (model(xg) ** 2).sum().backward()
    gs = tg.trace(lambda x: (model(x) ** 2).sum(), x).grad(names + ["x"])(x)
    assert len(gs) == len(names) + 2
    for (pname, p), got in zip(model.named_parameters(), gs[1:]):
        np.testing.assert_allclose(got.numpy(), p.grad.numpy(), rtol=1e-5, atol=1e-6, err_msg=pname)
    np.testing.assert_allclose(gs[-1].numpy(), xg.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_gradient_matches_float64_central_differences():
    w0 = np.array([[0.3, -0.2], [0.1, 0.5]])
    x = tg.tensor(np.array([[1.0, 2.0], [-1.0, 0.5]]))
    w = tg.tensor(w0, requires_grad=True)
    g = tg.trace(lambda x: ((x @ w).tanh() * x).sum(), x).grad(["w"])
    analytic = g(x)[1].numpy()
    eps, numeric = 1e-6, np.zeros_like(w0)
    f = lambda m: float(np.sum(np.tanh(x.numpy() @ m) * x.numpy()))
    for i in np.ndindex(w0.shape):
        d = np.zeros_like(w0)
        d[i] = eps
        numeric[i] = (f(w0 + d) - f(w0 - d)) / (2 * eps)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


def test_static_gradient_matches_pytorch():
    model, x = mlp()
    g = tg.trace(lambda x: model(x).relu().sum(), x).grad(["0.weight"])
    tm = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    with torch.no_grad():
        for (_, p), q in zip(model.named_parameters(), tm.parameters()):
            q.copy_(torch.from_numpy(p.numpy()))
    tm(torch.from_numpy(x.numpy())).relu().sum().backward()
    np.testing.assert_allclose(g(x)[1].numpy(), tm[0].weight.grad.numpy(), rtol=1e-5, atol=1e-6)


OPTIMIZERS = [("SGD", {"lr": 0.1}),
              ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
              ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.5}), ("Adam", {"lr": 0.01}),
              ("AdamW", {"lr": 0.01, "amsgrad": True})]


@pytest.mark.parametrize("opt_name,options", OPTIMIZERS, ids=[f"{n}{sorted(o)}" for n, o in OPTIMIZERS])
def test_training_step_graph_trains_like_the_dynamic_loop(opt_name, options):
    (m1, _), (m2, _) = mlp(), mlp()
    o1 = getattr(tg.optim, opt_name)(m1.parameters(), **options)
    o2 = getattr(tg.optim, opt_name)(m2.parameters(), **options)
    x, y, rows = batch()
    g = tg.trace(classify_step(m2, o2), x, y, rows)
    assert g.updates and all(p.grad is None for p in m2.parameters())
    fast, _ = g.optimize()
    for step in range(4):
        dynamic = classify_step(m1, o1)(x, y, rows)
        static = (fast if step % 2 else g)(x, y, rows)      # raw and optimized share the state
        if step % 2 == 0:
            assert dynamic.item() == static.item()           # the traced graph: the very same numbers
        np.testing.assert_allclose(static.item(), dynamic.item(), rtol=1e-6)
        for p, q in zip(m1.parameters(), m2.parameters()):
            np.testing.assert_allclose(q.numpy(), p.numpy(), rtol=1e-6, atol=1e-7)


def test_print_reads_like_a_jaxpr():
    tg.manual_seed(0)
    w = tg.randn(784, 256, requires_grad=True)
    x = tg.randn(32, 784)
    text = str(tg.trace(lambda x: (x @ w).relu() * 0.5, x))
    assert text.startswith("graph(x: (32, 784) float32; state w: (784, 256) float32) {")
    assert "  %h1 = matmul %x %w : (32, 256) float32" in text.splitlines()
    assert re.search(r"%h3 = mul %h2 0\.5 : \(32, 256\) float32", text)
    assert text.rstrip().endswith("return %h3\n}")


def test_module_parameters_are_named_state_and_graph_follows_new_weights():
    model, x = mlp()
    g = tg.trace(model, x)
    assert list(g.state) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    with tg.no_grad():
        model[0].weight.array *= 2          # the graph holds the parameters' arrays
    np.testing.assert_allclose(g(x).numpy(), model(x).numpy(), rtol=1e-6)


def test_python_number_conversions_warn_and_branch_taken_is_recorded():
    def f(x):
        if x.sum() > 0:                      # bool() of a traced value
            return x * 2
        return x * -1

    with pytest.warns(TracerWarning, match="Python number"):
        g = tg.trace(f, tg.tensor([1.0, 2.0]))
    np.testing.assert_array_equal(g(tg.tensor([-1.0, -2.0])).numpy(), [-2.0, -4.0])   # the branch taken
    with pytest.warns(TracerWarning, match="numpy()"):
        tg.trace(lambda x: x * float(x.numpy().sum()), tg.tensor([1.0]))


def test_constants_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        c = tg.tensor([1.0, 2.0])
        tg.trace(lambda x: x * c.sum().item(), tg.tensor([1.0, 1.0]))


def test_sign_follows_new_inputs():
    g = tg.trace(lambda x: x.sign() * 3, tg.tensor([1.0, -1.0]))
    np.testing.assert_array_equal(g(tg.tensor([-5.0, 2.0])).numpy(), [-3.0, 3.0])
    assert "piecewise[function=sign" in str(g)


def test_in_place_raw_math_is_refused_and_undone():
    model, x = mlp()
    before = model[0].bias.numpy().copy()

    def f(x):
        model[0].bias.array += 1
        return model(x)

    with pytest.raises(TraceError, match="0.bias in place"):
        tg.trace(f, x)
    np.testing.assert_array_equal(model[0].bias.numpy(), before)


def test_boolean_mask_indexing_is_refused():
    with pytest.raises(TraceError, match="boolean mask"):
        tg.trace(lambda x: x[x > 0], tg.tensor([1.0, -1.0]))


def test_tracing_changes_nothing():
    model, _ = mlp()
    opt = tg.optim.Adam(model.parameters(), lr=0.1)
    x, y, rows = batch()
    before = [p.numpy().copy() for p in model.parameters()]
    tg.trace(classify_step(model, opt), x, y, rows)
    assert all(np.array_equal(p.numpy(), b) for p, b in zip(model.parameters(), before))
    assert all(p.grad is None for p in model.parameters()) and opt.state == {}


def test_wrong_inputs_name_the_input():
    model, x = mlp()
    g = tg.trace(model, x)
    with pytest.raises(ValueError, match=r"input 'x' should be \(5, 4\) float32, got \(3, 4\)"):
        g(tg.randn(3, 4))
    with pytest.raises(TypeError, match="expected 1 inputs"):
        g()


def test_jit_caches_per_signature_and_retraces():
    model, x = mlp()
    calls = []

    def f(x, scale):
        calls.append(1)
        return model(x) * scale

    fast = tg.jit(f)
    for _ in range(3):
        np.testing.assert_allclose(fast(x, 2.0).numpy(), (model(x) * 2.0).numpy(), rtol=1e-6)
    assert len(calls) == 2                  # traced, traced again on changed inputs (the check), then graphs
    fast(tg.randn(7, 4), 2.0)
    fast(x, 3.0)
    assert len(fast.graphs) == 3


def test_jit_training_step_trains_the_model():
    model, _ = mlp()
    opt = tg.optim.SGD(model.parameters(), lr=0.5)
    x, y, rows = batch()
    step = tg.jit(classify_step(model, opt))
    losses = [step(x, y, rows).item() for _ in range(20)]
    assert losses[-1] < losses[0] * 0.7


def test_values_computed_outside_the_graph_are_caught_by_the_check():
    model, _ = mlp()
    opt = tg.optim.SGD(model.parameters(), lr=0.1)
    x, y, _ = batch()

    def step(x, y):               # cross_entropy builds its one-hot target from y's raw array
        opt.zero_grad()
        loss = tg.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss

    with pytest.warns(TracerWarning, match="does not follow its inputs: on changed inputs output"):
        tg.trace(step, x, y)
    with pytest.warns(TracerWarning, match="does not follow"):
        tg.trace(lambda x: tg.dropout(x, 0.5), x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tg.trace(classify_step(model, opt), *batch())          # indexing with y as a tensor is traced
        tg.trace(step, x, y, check=False)


def test_jit_retraces_when_the_learning_rate_changes():
    model, _ = mlp()
    opt = tg.optim.SGD(model.parameters(), lr=0.5)
    scheduler = tg.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.1)
    x, y, rows = batch()
    step = tg.jit(classify_step(model, opt))
    m2, _ = mlp()
    o2 = tg.optim.SGD(m2.parameters(), lr=0.5)
    s2 = tg.optim.lr_scheduler.StepLR(o2, step_size=2, gamma=0.1)
    for _ in range(4):
        step(x, y, rows)
        scheduler.step()
        classify_step(m2, o2)(x, y, rows)
        s2.step()
    assert len(step.graphs) == 1 and opt.param_groups[0]["lr"] == pytest.approx(0.005)
    for p, q in zip(model.parameters(), m2.parameters()):
        np.testing.assert_allclose(p.numpy(), q.numpy(), rtol=1e-5, atol=1e-7)
