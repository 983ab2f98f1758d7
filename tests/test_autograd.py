"""Autograd behaviour: accumulation, freed graphs, long chains, hooks, no_grad, grad(), create_graph."""

import numpy as np
import pytest

import tinygrad_edu as tg

torch = pytest.importorskip("torch")  # the oracle; installed by the dev extra (make test)


def test_backward_accumulates_like_pytorch_leaves():
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    np.testing.assert_allclose(x.grad.numpy(), [2, 4, 6])
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [4, 8, 12])


def test_reused_input_gets_the_sum_of_its_paths():
    x = tg.tensor(3.0, requires_grad=True)
    y = x * x + x * 2 + x
    y.backward()
    assert x.grad.item() == pytest.approx(2 * 3 + 2 + 1)


def test_second_backward_through_freed_graph_names_op_and_fix():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * 3).sum()
    y.backward()
    with pytest.raises(RuntimeError, match=r"sum.*retain_graph=True"):
        y.backward()


def test_graph_structure_survives_backward_for_drawing():
    a = tg.tensor([1.0], requires_grad=True, name="a")
    b = a.tanh()
    b.sum().backward()
    assert b._op.name == "tanh" and b._parents == (a,) and a._op is None and a.name == "a"


def test_hundred_thousand_op_chain_has_no_recursion_limit():
    x = tg.tensor(1.0, dtype=tg.float64, requires_grad=True)
    y = x
    for _ in range(50_000):  # two ops per step
        y = y * 1.0001 + 0.001
    y.backward()
    assert x.grad.item() == pytest.approx(1.0001**50_000, rel=1e-9)


def test_backward_on_non_scalar_explains_gradient_argument():
    x = tg.ones(3, 4, requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match=r"shape \(3, 4\).*gradient=.*\.sum\(\)"):
        y.backward()
    y.backward(gradient=tg.ones(3, 4) * 0.5)
    np.testing.assert_allclose(x.grad.numpy(), np.ones((3, 4)))
    with pytest.raises(RuntimeError, match=r"gradient has shape \(2,\) but the output has shape \(3, 4\)"):
        (x * 2).backward(gradient=tg.ones(2))


def test_backward_without_graph_is_a_clear_error():
    with pytest.raises(RuntimeError, match="does not require grad"):
        tg.tensor([1.0]).sum().backward()


def test_only_float_tensors_can_require_grad():
    with pytest.raises(RuntimeError, match="floating point.*int64"):
        tg.tensor([1, 2], requires_grad=True)


def test_hooks_see_and_can_replace_gradients():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    seen = []
    h.register_hook(lambda g: seen.append(g.numpy().copy()))
    handle = x.register_hook(lambda g: g * 10)
    h.sum().backward(retain_graph=True)
    np.testing.assert_allclose(seen[0], [1, 1])
    np.testing.assert_allclose(x.grad.numpy(), [30, 30])
    handle.remove()
    x.grad = None
    h.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3, 3])


def test_retain_grad_keeps_intermediate_gradients():
    x = tg.tensor([1.0, -2.0], requires_grad=True)
    h = x * 2
    h.retain_grad()
    other = x * 5
    (h.relu() + other).sum().backward()
    np.testing.assert_allclose(h.grad.numpy(), [1, 0])
    assert other.grad is None and h.retains_grad


def test_no_grad_detach_and_enable_grad():
    x = tg.tensor([1.0], requires_grad=True)
    with tg.no_grad():
        y = x * 2
        with tg.enable_grad():
            z = x * 2
    assert not y.requires_grad and y.is_leaf and z.requires_grad

    @tg.no_grad()
    def f(t):
        return t * 3

    assert not f(x).requires_grad and tg.is_grad_enabled()
    d = (x * 2).detach()
    assert not d.requires_grad and d._op is None


def test_grad_function_returns_gradients_without_touching_dot_grad():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    w = tg.tensor([3.0, 4.0], requires_grad=True)
    h = x * w
    y = (h * h).sum()
    gx, gh = tg.grad(y, [x, h])
    np.testing.assert_allclose(gx.numpy(), 2 * (x.numpy() * w.numpy()) * w.numpy())
    np.testing.assert_allclose(gh.numpy(), 2 * h.numpy())
    assert x.grad is None and w.grad is None
    unused = tg.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="not used"):
        tg.grad((x * 2).sum(), [unused])
    assert tg.grad((x * 2).sum(), [x, unused], allow_unused=True)[1] is None


def test_backward_inputs_limits_accumulation():
    x = tg.tensor([1.0], requires_grad=True)
    w = tg.tensor([2.0], requires_grad=True)
    (x * w).sum().backward(inputs=[w])
    assert x.grad is None and w.grad.item() == 1.0


SECOND_ORDER = {
    "tanh": lambda lib, x: x.tanh(),
    "cube": lambda lib, x: x**3,
    "softmax": lambda lib, x: x.softmax(-1) * x,
    "log_softmax": lambda lib, x: x.log_softmax(0),
    "sigmoid_matmul": lambda lib, x: (x @ x.T).sigmoid(),
    "div_exp_log": lambda lib, x: x.exp() / (x * x + 1).log(),
    "reductions": lambda lib, x: x.logsumexp(1) + x.var(0).sum() + x.amax(1) * x.mean(),
    "indexing": lambda lib, x: x[[0, 0, 1]] * x[1:].sum(),
    "shapes": lambda lib, x: lib.cat([x.T.reshape(-1), x.flip([0]).reshape(-1)]) * lib.stack([x, x]).sum(),
    "gelu_softplus": lambda lib, x: _gelu_softplus(lib, x),
}


def _gelu_softplus(lib, x):
    if lib is torch:
        return torch.nn.functional.gelu(x) + torch.nn.functional.softplus(x)
    return x.gelu() + x.softplus()


@pytest.mark.parametrize("name", sorted(SECOND_ORDER))
def test_second_derivatives_match_torch(device, name):
    fn = SECOND_ORDER[name]
    data = np.random.default_rng(0).standard_normal((2, 3))
    x = tg.tensor(data, requires_grad=True, device=device)
    tx = torch.tensor(data, requires_grad=True)
    (g,) = tg.grad(fn(tg, x).sum(), x, create_graph=True)
    (tgrad,) = torch.autograd.grad(fn(torch, tx).sum(), tx, create_graph=True)
    np.testing.assert_allclose(g.numpy(), tgrad.detach().numpy(), rtol=1e-6, atol=1e-8)
    weights = np.linspace(-1, 1, 6).reshape(2, 3)
    (g * tg.tensor(weights, device=device)).sum().backward()
    (tgrad * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-6, atol=1e-8)


def test_third_derivative_of_cube_is_six():
    x = tg.tensor(2.0, dtype=tg.float64, requires_grad=True)
    (d1,) = tg.grad(x**3, x, create_graph=True)
    (d2,) = tg.grad(d1, x, create_graph=True)
    (d3,) = tg.grad(d2, x)
    assert (d1.item(), d2.item(), d3.item()) == pytest.approx((12.0, 12.0, 6.0))


def test_gradients_keep_the_input_dtype(device):
    for dtype in (tg.float32, tg.float64):
        x = tg.ones(2, 3, dtype=dtype, requires_grad=True, device=device)
        (x * 2.5).sum().backward()
        assert x.grad.dtype == dtype and x.grad.device == device


def test_tensors_record_name_scope():
    x = tg.tensor([1.0], requires_grad=True)
    with tg.name_scope("layer1"):
        y = x * 2
    assert y._scope == ("layer1",) and x._scope == ()


def test_anomaly_mode_names_the_first_op_producing_nan():
    x = tg.tensor([1.0, 0.0], requires_grad=True)
    with np.errstate(divide="ignore"):
        with tg.detect_anomaly(), pytest.raises(RuntimeError, match="op 'log' produced NaN/Inf from finite"):
            (x * 2).log().sum()
        assert np.isinf((x * 2).log().numpy()[1])


def test_anomaly_mode_checks_backward_gradients():
    x = tg.tensor([0.0, 4.0], requires_grad=True)
    y = x.sqrt().sum()
    with tg.detect_anomaly(), np.errstate(divide="ignore"), pytest.raises(RuntimeError, match="op 'sqrt'"):
        y.backward()


def test_leaf_gradients_are_independent_writable_arrays():
    a, b = tg.ones(3, requires_grad=True), tg.ones(3, requires_grad=True)
    w = tg.ones(2, 2, requires_grad=True)
    ((a + b).sum() + w.sum()).backward()
    a.grad.array *= 5  # what clip_grad_norm_ and optimizers do
    w.grad.array[...] = 0
    np.testing.assert_array_equal(b.grad.numpy(), [1, 1, 1])
    assert w.grad.numpy().sum() == 0


def test_in_place_updates_under_no_grad_keep_the_leaf(device):
    w = tg.ones(2, requires_grad=True, device=device)
    (w * 3).sum().backward()
    with tg.no_grad():
        w -= 0.1 * w.grad
        w *= 2
    assert w.is_leaf and w.requires_grad
    np.testing.assert_allclose(w.numpy(), [1.4, 1.4], rtol=1e-6)
    with pytest.raises(RuntimeError, match=r"\+=: in-place update of a leaf tensor .*no_grad"):
        w += 1


def test_every_recorded_op_reruns_from_json_attrs(device):
    """Static graphs and drawings rebuild ops with type(op)(**attrs) from plain data."""
    import json

    x = tg.randn(3, 4, requires_grad=True, device=device)
    w = tg.randn(4, 2, requires_grad=True, device=device)
    y = (
        (x @ w).softmax(1).log_softmax(dim=0).var(0)
        + x[[0, 2], 1:3].sum((0,))
        + x.amax(1, keepdim=True)[1:, 0]
    )
    y = tg.pad(y.reshape(1, 2).permute(1, 0).expand(2, 3).flip([0]).repeat(2, 1), (1, 0)).logsumexp(1)
    y = (tg.where(y > 0, y, -y).clamp(min=0.1).leaky_relu() ** 2).sum()
    seen, stack = set(), [y]
    while stack:
        node = stack.pop()
        if node._op is None or id(node) in seen:
            continue
        seen.add(id(node))
        stack.extend(node._parents)
        op = type(node._op)(**json.loads(json.dumps(node._op.attrs)))
        xp = tg.backend.xp_of(node.array)
        arrays = [p.array for p in node._parents]
        np.testing.assert_allclose(tg.backend.to_host(op.forward(xp, *arrays)), node.numpy(), rtol=1e-6)
        for a, b in zip(
            op.backward(xp, node.array, *arrays, out=node.array),
            node._op.backward(xp, node.array, *arrays, out=node.array),
        ):
            if a is not None:
                np.testing.assert_allclose(tg.backend.to_host(a), tg.backend.to_host(b), rtol=1e-6)
    assert len(seen) > 15
