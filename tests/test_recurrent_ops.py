"""The fused recurrent cell ops (ops/recurrent.py): forward and every input's gradient against PyTorch's
cells with the same weights, float64 central differences, second derivatives (create_graph), the
saved-gates and recomputed-gates backward agreeing, and the graph a layer builds (one node per step)."""
import numpy as np
import pytest
import torch

import tinygrad_edu as tg
from tinygrad_edu import nn
from tinygrad_edu.ops.recurrent import GRUCell, LSTMCell, RNNCell
from tinygrad_edu.tensor import apply

N, IN, H = 3, 4, 5
R = np.random.default_rng(11)


def _weights(gates: int) -> dict:
    return {"w_ih": R.standard_normal((gates * H, IN)), "w_hh": R.standard_normal((gates * H, H)) * 0.5,
            "b_ih": R.standard_normal(gates * H), "b_hh": R.standard_normal(gates * H)}


def _ours(kind: str, x, h, c, p, bias: bool):
    """One step through our op, from the layer's side: the input projection is done outside the op,
    and the RNN/LSTM fold both biases into it (the GRU keeps b_hh in the cell)."""
    xw = x @ p["w_ih"].T
    if kind == "GRU":
        if bias:
            return apply(GRUCell(), xw + p["b_ih"], h, p["w_hh"], p["b_hh"])
        return apply(GRUCell(), xw, h, p["w_hh"])
    if bias:
        xw = xw + (p["b_ih"] + p["b_hh"])
    if kind == "LSTM":
        return apply(LSTMCell(), xw, tg.stack([h, c]), p["w_hh"])
    return apply(RNNCell(nonlinearity=kind.split("-")[1]), xw, h, p["w_hh"])


def _theirs(kind: str, x, h, c, p, bias: bool):
    args = (p["w_ih"], p["w_hh"]) + ((p["b_ih"], p["b_hh"]) if bias else (None, None))
    if kind == "LSTM":
        return torch.stack(torch.lstm_cell(x, (h, c), *args))
    if kind == "GRU":
        return torch.gru_cell(x, h, *args)
    return (torch.rnn_tanh_cell if kind == "RNN-tanh" else torch.rnn_relu_cell)(x, h, *args)


KINDS = ["RNN-tanh", "RNN-relu", "LSTM", "GRU"]


def _arrays(kind):
    p = _weights({"LSTM": 4, "GRU": 3}.get(kind, 1))
    return R.standard_normal((N, IN)), R.standard_normal((N, H)), R.standard_normal((N, H)), p


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("kind", KINDS)
def test_cell_matches_pytorch_forward_and_gradients(kind, bias):
    x, h, c, p = _arrays(kind)
    ours = [tg.Tensor(a, dtype="float64", requires_grad=True) for a in (x, h, c)]
    ours_p = {k: tg.Tensor(v, dtype="float64", requires_grad=True) for k, v in p.items()}
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, h, c)]
    theirs_p = {k: torch.tensor(v, requires_grad=True) for k, v in p.items()}
    out, expected = _ours(kind, *ours, ours_p, bias), _theirs(kind, *theirs, theirs_p, bias)
    np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), rtol=1e-12, atol=1e-12)
    g = R.standard_normal(out.shape)
    out.backward(tg.Tensor(g, dtype="float64"))
    expected.backward(torch.tensor(g))
    names = ["x", "h", "c"] + list(p)
    for name, a, b in zip(names, ours + list(ours_p.values()), theirs + list(theirs_p.values())):
        if b.grad is None:                   # c for the cells without a cell state, biases when unused
            assert a.grad is None or not a.grad.numpy().any(), name
        else:
            np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("kind", KINDS)
def test_cell_gradients_match_central_differences(kind):
    x, h, c, p = _arrays(kind)
    tensors = [tg.Tensor(a, dtype="float64", requires_grad=True) for a in (x, h, c, *p.values())]

    def run(x, h, c, *weights):
        return _ours(kind, x, h, c, dict(zip(p, weights)), bias=True)

    assert tg.gradcheck(run, *tensors, atol=1e-7, rtol=1e-6)


@pytest.mark.parametrize("kind", KINDS)
def test_cell_second_derivatives_match_pytorch(kind):
    x, h, c, p = _arrays(kind)
    ours = [tg.Tensor(a, dtype="float64", requires_grad=True) for a in (x, h, c, *p.values())]
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, h, c, *p.values())]
    out = _ours(kind, *ours[:3], dict(zip(p, ours[3:])), True)
    expected = _theirs(kind, *theirs[:3], dict(zip(p, theirs[3:])), True)
    v = R.standard_normal(out.shape)
    used = [0, 1, 3, 4, 5, 6] + ([2] if kind == "LSTM" else [])
    first = tg.grad((out * tg.Tensor(v)).sum(), [ours[i] for i in used], create_graph=True)
    first_ref = torch.autograd.grad((expected * torch.tensor(v)).sum(), [theirs[i] for i in used],
                                    create_graph=True)
    total = sum((a * a).sum() for a in first)
    total_ref = sum((b * b).sum() for b in first_ref)
    second = tg.grad(total, [ours[i] for i in used], allow_unused=True)
    second_ref = torch.autograd.grad(total_ref, [theirs[i] for i in used], allow_unused=True)
    for k, (a, b) in zip(used, zip(second, second_ref)):   # None: no path (relu's mask is constant)
        a = np.zeros(ours[k].shape) if a is None else a.numpy()
        b = np.zeros(ours[k].shape) if b is None else b.numpy()
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-10, err_msg=f"input {k}")


@pytest.mark.parametrize("op, state_shape, gates", [(LSTMCell(), (2, N, H), 4), (GRUCell(), (N, H), 3)])
def test_saved_gates_and_recomputed_gates_give_the_same_backward(op, state_shape, gates):
    """The forward keeps the gates for its own inputs only: a backward on other arrays recomputes them."""
    xw1, xw2 = R.standard_normal((N, gates * H)), R.standard_normal((N, gates * H))
    state, w = R.standard_normal(state_shape), R.standard_normal((gates * H, H))
    out = op.forward(np, xw1, state, w)
    g = R.standard_normal(out.shape)
    saved = op.backward(np, g, xw1, state, w, out=out, needs=(True,) * 3)
    fresh = type(op)().backward(np, g, xw1.copy(), state.copy(), w, out=out, needs=(True,) * 3)
    for a, b in zip(saved, fresh):
        np.testing.assert_allclose(a, b, rtol=1e-14)
    op.forward(np, xw2, state, w)                  # the saved gates are now xw2's
    again = op.backward(np, g, xw1, state, w, out=out, needs=(True,) * 3)
    for a, b in zip(again, fresh):
        np.testing.assert_allclose(a, b, rtol=1e-14)


@pytest.mark.parametrize("op, state_shape, gates", [(RNNCell(nonlinearity="tanh"), (N, H), 1),
                                                     (LSTMCell(), (2, N, H), 4), (GRUCell(), (N, H), 3)])
def test_a_handed_transposed_weight_is_used_once_and_only_for_its_own_weight(op, state_shape, gates):
    """with_transposed() is a layout, never a second weight: a copy of wᵀ gives the same forward; a
    stale one (for an array that is no longer the forward's) is ignored; a forward lets go of it."""
    xw, state = R.standard_normal((N, gates * H)), R.standard_normal(state_shape)
    w = R.standard_normal((gates * H, H))
    plain = type(op)(**op.attrs).forward(np, xw, state, w)
    laid_out = op.with_transposed(w, np.ascontiguousarray(w.T)).forward(np, xw, state, w)
    np.testing.assert_allclose(laid_out, plain, rtol=1e-14)
    assert op._transposed is None
    stale = np.zeros((H, gates * H))
    np.testing.assert_array_equal(op.with_transposed(w.copy(), stale).forward(np, xw, state, w), plain)


def test_graph_runs_of_a_layer_keep_no_gates():
    """A static graph's backward is nodes of its own, so its cells drop the gates they would save."""
    from tinygrad_edu.static.executor import forward_of

    op = LSTMCell()
    xw, hc, w = R.standard_normal((N, 4 * H)), R.standard_normal((2, N, H)), R.standard_normal((4 * H, H))
    forward_of(op)(np, xw, hc, w)
    assert op._saved is None


def test_a_layer_builds_one_cell_node_per_time_step():
    """The dynamic-graph lesson draws the unrolled loop: 5 steps, 5 cells, each fed by the previous one."""
    lstm = nn.LSTM(3, 4)
    out, _ = lstm(tg.randn(5, 2, 3))
    cells, seen, stack = [], set(), [out]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node._op is not None and node._op.name == "lstm_cell":
            cells.append(node)
        stack.extend(node._parents)
    assert len(cells) == 5
    ids = {id(cell) for cell in cells}
    assert sum(id(parent) in ids for cell in cells for parent in cell._parents) == 4


def test_layers_in_float32_stay_float32():
    """No float64 temporaries leak into float32 work: outputs, states and gradients keep the dtype."""
    for layer in (nn.RNN(3, 4), nn.LSTM(3, 4, num_layers=2), nn.GRU(3, 4, bidirectional=True)):
        out, state = layer(tg.randn(6, 2, 3))
        out.sum().backward()
        for t in [out, *(state if isinstance(state, tuple) else (state,))]:
            assert t.dtype == tg.float32
        assert all(p.grad.dtype == tg.float32 for p in layer.parameters())


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_layers_run_on_every_device_like_on_cpu(kind, device):
    """The strict device fails where a cell reaches for NumPy instead of xp (as CuPy would)."""
    tg.manual_seed(4)
    layer = getattr(nn, kind)(3, 4, num_layers=2).double()
    x = R.standard_normal((5, 2, 3))
    expected_out, _ = layer(tg.tensor(x, requires_grad=True))
    expected_out.sum().backward()
    expected = [p.grad.numpy() for p in layer.parameters()]
    layer.zero_grad()
    moved = layer.to(device)
    out, _ = moved(tg.tensor(x, device=device))
    out.sum().backward()
    np.testing.assert_allclose(out.numpy(), expected_out.numpy(), rtol=1e-12)
    for p, g in zip(moved.parameters(), expected):
        np.testing.assert_allclose(p.grad.numpy(), g, rtol=1e-10, atol=1e-12)
