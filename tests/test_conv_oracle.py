"""Shared checks for the conv/pool/einsum/dropout tests, and their gradients of gradients.

Three oracles: PyTorch (float64) for forward, gradients and second derivatives; float64 central
differences (`tg.gradcheck`) for the gradients; and the strict device, which fails if an op reaches for NumPy.
"""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from devices import DEVICES  # noqa: F401  (cpu, strict, and cuda where a GPU is present)

import tinygrad_edu as tg

TOL = dict(rtol=1e-9, atol=1e-9)


def _ours(arrays, device):
    return [tg.Tensor(a, dtype="float64", device=device, requires_grad=True) for a in arrays]


def _theirs(arrays):
    return [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]


def check_against_torch(ours, theirs, arrays, device="cpu", seed=0):
    """Forward values and the gradient of every input match PyTorch for a random output gradient."""
    mine, ref = _ours(arrays, device), _theirs(arrays)
    out, expected = ours(*mine), theirs(*ref)
    assert out.shape == tuple(expected.shape)
    np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), **TOL)
    g = np.random.default_rng(seed).standard_normal(out.shape)
    out.backward(tg.Tensor(g, dtype="float64", device=device))
    expected.backward(torch.tensor(g))
    for k, (a, b) in enumerate(zip(mine, ref)):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), **TOL, err_msg=f"gradient of input {k}")


def check_second_order(ours, theirs, arrays, device="cpu", seed=0):
    """d/d(inputs) of <grad(<out, g>), v>, with g also differentiated, matches PyTorch's double backward."""
    rng = np.random.default_rng(seed)
    mine, ref = _ours(arrays, device), _theirs(arrays)
    out, expected = ours(*mine), theirs(*ref)
    g = rng.standard_normal(out.shape)
    vs = [rng.standard_normal(a.shape) for a in arrays]
    g_ours = tg.Tensor(g, dtype="float64", device=device, requires_grad=True)
    g_ref = torch.tensor(g, requires_grad=True)
    first = tg.grad(out, mine, g_ours, create_graph=True)
    first_ref = torch.autograd.grad(expected, ref, g_ref, create_graph=True)
    for a, b in zip(first, first_ref):
        np.testing.assert_allclose(a.numpy(), b.detach().numpy(), **TOL)
    total = sum((a * tg.Tensor(v, dtype="float64", device=device)).sum() for a, v in zip(first, vs))
    total_ref = sum((b * torch.tensor(v)).sum() for b, v in zip(first_ref, vs))
    second = tg.grad(total, mine + [g_ours], allow_unused=True)
    second_ref = torch.autograd.grad(total_ref, ref + [g_ref], allow_unused=True)
    for k, (a, b) in enumerate(zip(second, second_ref)):
        a = np.zeros(b.shape if b is not None else ()) if a is None else a.numpy()
        b = np.zeros(a.shape) if b is None else b.numpy()
        np.testing.assert_allclose(a, b, **TOL, err_msg=f"second derivative for input {k}")


def check_central_differences(ours, arrays):
    """Every input's gradient matches float64 central differences (the public `tg.gradcheck`)."""
    inputs = [tg.Tensor(a, dtype="float64", requires_grad=True) for a in arrays]
    assert tg.gradcheck(ours, *inputs, atol=1e-7, rtol=1e-6)


RNG = np.random.default_rng(7)
SECOND_ORDER_CASES = [
    ("conv2d stride/pad/dilation/groups",
     lambda x, w, b: tg.conv2d(x, w, b, stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2),
     lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2),
     [RNG.standard_normal((2, 4, 7, 6)), RNG.standard_normal((6, 2, 3, 2)), RNG.standard_normal(6)]),
    ("conv2d then a nonlinearity", lambda x, w: tg.conv2d(x, w, padding="same").tanh(),
     lambda x, w: F.conv2d(x, w, padding="same").tanh(),
     [RNG.standard_normal((1, 2, 5, 5)), RNG.standard_normal((3, 2, 2, 3))]),
    ("max_pool2d", lambda x: tg.max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True) ** 2,
     lambda x: F.max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True) ** 2,
     [RNG.standard_normal((2, 2, 7, 6))]),
    ("avg_pool2d", lambda x: tg.avg_pool2d(x, (2, 3), padding=1, count_include_pad=False).sin(),
     lambda x: F.avg_pool2d(x, (2, 3), padding=1, count_include_pad=False).sin(),
     [RNG.standard_normal((2, 3, 5, 7))]),
    ("einsum matmul", lambda a, b: tg.einsum("ij,jk->ik", a, b) ** 2,
     lambda a, b: torch.einsum("ij,jk->ik", a, b) ** 2,
     [RNG.standard_normal((3, 4)), RNG.standard_normal((4, 2))]),
    ("einsum diagonal and private letter", lambda a, b: tg.einsum("iij,k->ik", a, b) ** 2,
     lambda a, b: torch.einsum("iij,k->ik", a, b) ** 2,
     [RNG.standard_normal((3, 3, 2)), RNG.standard_normal(4)]),
]


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")  # PyTorch's own performance note
@pytest.mark.parametrize("name, ours, theirs, arrays", SECOND_ORDER_CASES,
                         ids=[case[0] for case in SECOND_ORDER_CASES])
def test_second_derivatives_match_torch(name, ours, theirs, arrays, device):
    check_second_order(ours, theirs, arrays, device)


def test_every_node_reruns_from_its_json_attributes():
    """Static graphs and drawings rebuild ops as type(op)(**attrs) and re-run them on arrays: check it for
    every node of a second-order graph through conv, pooling, einsum and dropout."""
    import json

    x = tg.randn(2, 2, 6, 6, dtype="float64", requires_grad=True)
    w = tg.randn(3, 2, 3, 3, dtype="float64", requires_grad=True)
    h = tg.dropout(tg.max_pool2d(tg.conv2d(x, w, stride=1, padding=1).tanh(), 2), p=0.2)
    h = tg.avg_pool2d(h, 2, ceil_mode=True)
    loss = tg.einsum("ncij,ncij->", h, h)
    gx, gw = tg.grad(loss, [x, w], create_graph=True)
    seen, stack, visited = set(), [gx.sum() + gw.sum()], set()
    while stack:
        node = stack.pop()
        if id(node) in visited or node._op is None:
            continue
        visited.add(id(node))
        stack.extend(node._parents)
        op = type(node._op)(**json.loads(json.dumps(node._op.attrs), object_hook=_tuples))
        rerun = op.forward(np, *[p.array for p in node._parents])
        np.testing.assert_allclose(rerun, node.array, rtol=1e-12, err_msg=node._op.name)
        seen.add(node._op.name)
    assert {"conv2d", "conv2d_input_grad", "conv2d_weight_grad", "max_pool2d", "max_pool2d_scatter",
            "avg_pool2d", "avg_pool2d_grad", "dropout", "einsum"} <= seen


def _tuples(mapping: dict) -> dict:
    """JSON turns tuples into lists; attributes are tuples again when a graph is loaded."""
    return {k: tuple(tuple(i) if isinstance(i, list) else i for i in v) if isinstance(v, list) else v
            for k, v in mapping.items()}
