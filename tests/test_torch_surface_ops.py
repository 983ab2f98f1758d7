"""The math surface PyTorch teaching code meets, against PyTorch in float64: forward values, gradients,
gradients built with create_graph, float64 central differences (gradcheck), and edge values (zeros,
±1, infinities, NaN, ties), on the cpu and strict devices (the strict one refuses stray NumPy calls,
as CuPy does). Inputs are fixed arrays chosen away from kinks, so every case is a few milliseconds."""
import math

import numpy as np
import pytest

import tinygrad_edu as tg

torch = pytest.importorskip("torch")
F = torch.nn.functional
RNG = np.random.default_rng(7)
A = RNG.uniform(-0.9, 0.9, (2, 3))          # inside (-1, 1): the inverse trigonometric domain
B = RNG.uniform(0.6, 2.5, (2, 3))           # positive
C = RNG.uniform(-2.0, 2.0, (3,)) + 0.05     # broadcasts against (2, 3)
OFFGRID = np.array([[-2.7, -1.2, -0.3], [0.4, 1.35, 2.6]])  # away from integers and from .x5 ties
KINKFREE = np.array([[-1.7, -0.6, -0.2], [0.3, 0.7, 1.9]])


def _weights(shape):
    return np.linspace(-1.0, 1.5, max(int(np.prod(shape)), 1)).reshape(shape)


def agree(fn, arrays, device, grads=None, gradcheck=True, rtol=1e-10, atol=1e-12):
    """fn(lib, *tensors) on tinygrad_edu and on torch: the same outputs, the same gradients of a fixed
    projection of them (plain and with create_graph), and gradients that pass gradcheck."""
    grads = [a.dtype.kind == "f" for a in arrays] if grads is None else grads
    ours = [tg.tensor(a, requires_grad=r, device=device) for a, r in zip(arrays, grads)]
    theirs = [torch.tensor(a, requires_grad=r) for a, r in zip(arrays, grads)]
    out, ref = fn(tg, *ours), fn(torch, *theirs)
    assert out.shape == tuple(ref.shape) and out.device == device
    np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), rtol=rtol, atol=atol, equal_nan=True)
    if not ref.requires_grad:
        return
    w = _weights(out.shape)
    (out * tg.tensor(w, device=device)).sum().backward()
    (ref * torch.tensor(w)).sum().backward()
    wanted = [t for t, r in zip(ours, grads) if r]
    for mine, other in zip(wanted, [t for t, r in zip(theirs, grads) if r]):
        expected = np.zeros(mine.shape) if other.grad is None else other.grad.numpy()
        got = np.zeros(mine.shape) if mine.grad is None else mine.grad.numpy()
        np.testing.assert_allclose(got, expected, rtol=rtol * 100, atol=atol * 100, equal_nan=True)
    again = [tg.tensor(a, requires_grad=r, device=device) for a, r in zip(arrays, grads)]
    projected = (fn(tg, *again) * tg.tensor(w, device=device)).sum()
    graphed = tg.grad(projected, [t for t, r in zip(again, grads) if r], create_graph=True, allow_unused=True)
    for g, mine in zip(graphed, wanted):
        if g is not None:
            np.testing.assert_allclose(g.numpy(), mine.grad.numpy(), rtol=1e-9, atol=1e-12, equal_nan=True)
    if gradcheck:
        assert tg.gradcheck(lambda *xs: fn(tg, *xs), *ours)


UNARY = {
    "tan": (lambda lib, x: x.tan(), A),
    "asin": (lambda lib, x: x.asin(), A),
    "acos": (lambda lib, x: lib.acos(x), A),
    "atan": (lambda lib, x: lib.atan(x * 3), A),
    "sinh": (lambda lib, x: x.sinh(), KINKFREE),
    "cosh": (lambda lib, x: lib.cosh(x), KINKFREE),
    "asinh": (lambda lib, x: x.asinh(), KINKFREE),
    "acosh": (lambda lib, x: lib.acosh(x), B + 0.5),
    "atanh": (lambda lib, x: x.atanh(), A),
    "log2": (lambda lib, x: x.log2(), B),
    "log10": (lambda lib, x: lib.log10(x), B),
    "log1p": (lambda lib, x: x.log1p(), A),
    "expm1": (lambda lib, x: lib.expm1(x), KINKFREE),
    "erf": (lambda lib, x: lib.erf(x * 2), KINKFREE),
    "erfc": (lambda lib, x: x.erfc(), KINKFREE),
    "floor": (lambda lib, x: x.floor() * x, OFFGRID),
    "ceil": (lambda lib, x: lib.ceil(x) * x, OFFGRID),
    "round": (lambda lib, x: x.round() + lib.round(x, decimals=1) * x, OFFGRID + 0.02),
    "trunc": (lambda lib, x: x.trunc() * x, OFFGRID),
    "frac": (lambda lib, x: x.frac() * x, OFFGRID),
    "gelu_exact": (lambda lib, x: _F(lib).gelu(x * 2), KINKFREE),
    "elu": (lambda lib, x: _F(lib).elu(x, alpha=0.7), KINKFREE),
    "selu": (lambda lib, x: _F(lib).selu(x), KINKFREE),
    "celu": (lambda lib, x: _F(lib).celu(x, alpha=0.5), KINKFREE),
    "silu": (lambda lib, x: _F(lib).silu(x * 3), KINKFREE),
    "mish": (lambda lib, x: _F(lib).mish(x * 3), KINKFREE),
    "hardtanh": (lambda lib, x: _F(lib).hardtanh(x, -0.5, 0.8), KINKFREE),
    "relu6": (lambda lib, x: _F(lib).relu6(x * 4), KINKFREE),
    "softsign": (lambda lib, x: _F(lib).softsign(x), KINKFREE),
    "softplus": (lambda lib, x: _F(lib).softplus(x * 4, beta=2, threshold=3), KINKFREE),
    "logsigmoid": (lambda lib, x: _F(lib).logsigmoid(x * 5), KINKFREE),
    "cumsum": (lambda lib, x: x.cumsum(dim=1) + lib.cumsum(x, 0), KINKFREE),
    "cumprod": (lambda lib, x: x.cumprod(1) + lib.cumprod(x, dim=0), KINKFREE),
    "prod": (lambda lib, x: x.prod() + x.prod(dim=1, keepdim=True) + lib.prod(x, 0), KINKFREE),
    "sort": (lambda lib, x: x.sort(dim=1, descending=True).values * 2 + lib.sort(x, 0).values, KINKFREE),
    "topk": (lambda lib, x: x.topk(2, dim=1).values + lib.topk(x, 1, 0, False).values.sum(), KINKFREE),
    "tril_triu": (lambda lib, x: x.tril(-1) * 3 + lib.triu(x, 1) + x.tril(), KINKFREE),
    "diag": (lambda lib, x: x.diag(1) * 2 + lib.diag(x[0], -1)[1:3, :3].sum(), KINKFREE),
    "diagonal": (lambda lib, x: x.reshape(1, 2, 3).diagonal(offset=1, dim1=2, dim2=1), KINKFREE),
    "trace_t": (lambda lib, x: x.t() * x.trace() + lib.t(x), KINKFREE),  # (tinygrad_edu.trace traces graphs)
    "roll": (lambda lib, x: x.roll((1, -1), (0, 1)) * 2 + lib.roll(x, 2) + x.roll(1, 1), KINKFREE),
    "repeat_interleave": (lambda lib, x: lib.cat([
        x.repeat_interleave(2).reshape(-1), x.repeat_interleave(lib.tensor([1, 0, 2]), dim=1).reshape(-1)]),
        KINKFREE),
    "unfold": (lambda lib, x: x.unfold(1, 2, 1) * 2 + x.unfold(0, 1, 1).sum(), KINKFREE),
    "unflatten_view_as": (lambda lib, x: x.reshape(6).unflatten(0, (3, -1)).view_as(x.t()).contiguous(),
                          KINKFREE),
    "masked_select": (lambda lib, x: x.masked_select(x > 0) * 2 + lib.masked_select(x, x[:1] < -0.5).sum(),
                      KINKFREE),
}


def _F(lib):
    return F if lib is torch else tg.nn.functional


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_and_structure_ops_match_pytorch(device, name):
    fn, x = UNARY[name]
    agree(fn, [x], device)


BINARY = {
    "atan2": lambda lib, a, b: lib.atan2(a, b) + a.atan2(b * -1),
    "fmod": lambda lib, a, b: lib.fmod(a * 3, b) + (a * 3).fmod(2.5),
    "remainder": lambda lib, a, b: lib.remainder(a * 3, b) + (a * 3) % b,
    "floor_div_mode": lambda lib, a, b: (lib.div(a * 3, b, rounding_mode="floor") * a
                                         + (a * 3).div(b, rounding_mode="trunc")),
    "lerp": lambda lib, a, b: lib.lerp(a, b, 0.3) + a.lerp(b, b * 0.5),
    "mm_t": lambda lib, a, b: lib.mm(a, lib.outer(b, b).t()) + a.mm(b.reshape(3, 1)).sum(),
    "mv_dot_outer": lambda lib, a, b: lib.mv(a, b) * lib.dot(b, b) + lib.outer(b[:2], b).sum(),
    "bmm": lambda lib, a, b: lib.bmm(a.reshape(1, 2, 3), lib.outer(b, b).reshape(1, 3, 3)),
    "matmul_keywords": lambda lib, a, b: (lib.matmul(input=a, other=b) + lib.pow(a, 2).sum(1)
                                          + lib.add(a, b, alpha=2).sum(1)),
}


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_ops_match_pytorch(device, name):
    agree(BINARY[name], [A, C], device)


EDGE_UNARY = [
    ("asin at ±1", lambda lib, x: x.asin(), [-1.0, 1.0, 0.0]),
    ("acos at ±1", lambda lib, x: x.acos(), [-1.0, 1.0, 0.5]),
    ("atanh at ±1", lambda lib, x: x.atanh(), [-1.0, 1.0, 0.0]),
    ("acosh at 1", lambda lib, x: x.acosh(), [1.0, 2.0, 0.5]),
    ("log1p at -1", lambda lib, x: x.log1p(), [-1.0, -0.5, 1e-12]),
    ("log2/log10 at 0", lambda lib, x: x.log2() + x.log10(), [0.0, 1.0, 8.0]),
    ("erf of infinities", lambda lib, x: x.erf(), [-math.inf, math.inf, 0.0, 6.5, -4.0, 1e-9]),
    ("expm1 tiny and huge", lambda lib, x: x.expm1(), [1e-12, -1e-12, 800.0]),
    ("sinh/cosh overflow", lambda lib, x: x.sinh() + x.cosh(), [800.0, -1.0, 0.0]),
    ("round half to even", lambda lib, x: x.round() + x.trunc() * 10, [0.5, 1.5, 2.5, -0.5, -1.5, -2.5]),
    ("frac of negatives", lambda lib, x: x.frac(), [-1.25, -0.0, 3.75]),
    ("elu/selu at 0", lambda lib, x: _F(lib).elu(x) + _F(lib).selu(x) * 2, [0.0, -0.0, 1e-3]),
    ("hardtanh/relu6 at the limits", lambda lib, x: _F(lib).hardtanh(x) + _F(lib).relu6(x * 6),
     [-1.0, 1.0, 0.0]),
    ("mish/silu/logsigmoid far out", lambda lib, x: _F(lib).mish(x) + _F(lib).silu(x) + _F(lib).logsigmoid(x),
     [-100.0, 100.0, -30.0, 30.0]),
    ("softplus at its threshold", lambda lib, x: _F(lib).softplus(x, threshold=2.0), [2.0, 1.999, 2.001]),
    ("gelu far out", lambda lib, x: _F(lib).gelu(x), [-40.0, -7.0, 7.0, 40.0]),
    ("prod with one zero", lambda lib, x: x.prod() + x.reshape(2, 2).prod(1).sum(), [2.0, 0.0, 3.0, 4.0]),
    ("prod with two zeros", lambda lib, x: x.prod(0), [0.0, 5.0, 0.0, 3.0]),
    ("cumprod through zeros", lambda lib, x: x.cumprod(0), [2.0, 0.0, 3.0, 0.0, 4.0]),
    ("cumprod from zero", lambda lib, x: x.cumprod(0), [0.0, 2.0, 3.0]),
    ("x ** 0 and x ** 0.3 at 0", lambda lib, x: x**0 + x**0.3, [0.0, 1.0, 2.0]),
    ("0 ** x", lambda lib, x: 0**x + 0.0**x, [-1.0, 0.0, 2.0]),
    ("negative base ** x", lambda lib, x: (-2.0) ** x, [-1.0, 0.0, 2.0]),
    ("var/std of one element", lambda lib, x: x.var() + x.std(), [3.0]),
    ("var with correction = n", lambda lib, x: x.var(correction=2) + x.var(correction=3), [3.0, 4.0]),
    ("var along a dim without dof", lambda lib, x: x.reshape(2, 2).var(dim=1, correction=2),
     [3.0, 4.0, 1.0, 1.0]),
    ("sort with NaN and ties",
     lambda lib, x: x.sort(stable=True).values + x.sort(descending=True, stable=True).values,
     [1.0, math.nan, -1.0, 1.0, 0.5]),
]


@pytest.mark.parametrize("name, fn, values", EDGE_UNARY, ids=[e[0] for e in EDGE_UNARY])
def test_edge_values_match_pytorch(device, name, fn, values):
    with np.errstate(all="ignore"):
        agree(fn, [np.array(values)], device, gradcheck=False)


def test_atan2_and_remainders_at_zero_match_pytorch(device):
    a = np.array([0.0, 0.0, 1.0, -5.5, 5.5, -0.0])
    b = np.array([0.0, -1.0, 0.0, 2.0, -2.0, 3.0])
    with np.errstate(all="ignore"):
        agree(lambda lib, x, y: lib.atan2(x, y) + x.fmod(y) * 2 + x.remainder(y) * 3 + (x // y).detach() * 5
              + x.div(y, rounding_mode="trunc") * 7 + (7.5 % y).detach() * 11, [a, b], device,
              gradcheck=False)


def test_sort_and_argsort_indices_are_pytorchs_stable_ones(device):
    x = np.array([[3.0, 1.0, 3.0, 2.0, 1.0], [0.5, math.nan, -1.0, 0.5, 2.0]])
    ours, theirs = tg.tensor(x, device=device), torch.tensor(x)
    for kw in ({}, {"descending": True}, {"dim": 0}, {"dim": 0, "descending": True}):
        np.testing.assert_array_equal(ours.argsort(stable=True, **kw).numpy(),
                                      theirs.argsort(stable=True, **kw).numpy())
        np.testing.assert_array_equal(tg.sort(ours, stable=True, **kw).indices.numpy(),
                                      torch.sort(theirs, stable=True, **kw).indices.numpy())
    clean = tg.tensor([[4.0, 9.0, 1.0], [7.0, 2.0, 8.0]], device=device)
    top = clean.topk(2, dim=1)
    assert top.indices.tolist() == [[1, 0], [2, 0]] and top.values.tolist() == [[9.0, 4.0], [8.0, 7.0]]
    assert clean.argsort(dim=0).dtype == tg.int64


def test_integer_arithmetic_matches_pytorch(device):
    a, b = np.array([7, -7, 5, -5, 0]), np.array([2, 2, -3, -3, 4])
    ours, theirs = tg.tensor(a, device=device), torch.tensor(a)
    ob, tb = tg.tensor(b, device=device), torch.tensor(b)
    pairs = [(ours // ob, theirs // tb), (ours % ob, theirs % tb), (ours.fmod(ob), theirs.fmod(tb)),
             (ours.div(ob, rounding_mode="trunc"), theirs.div(tb, rounding_mode="trunc")),
             (ours.div(ob, rounding_mode="floor"), theirs.div(tb, rounding_mode="floor")),
             (ours / ob, theirs / tb), (ours.floor(), theirs.floor()), (ours.round(), theirs.round()),
             (ours.prod(), theirs.prod()), (ours.cumsum(0), theirs.cumsum(0)), (7 // ob, 7 // tb)]
    for mine, other in pairs:
        assert mine.dtype == tg.tensor(other.numpy()).dtype
        np.testing.assert_array_equal(mine.numpy(), other.numpy())
    for divide in (lambda x, y: x // y, lambda x, y: x % y, lambda x, y: x.fmod(y)):
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            divide(theirs, torch.tensor([1, 0, 1, 1, 1]))
        for kind in (RuntimeError, ZeroDivisionError):  # PyTorch code catches the first, Python the second
            with pytest.raises(kind, match="integer division by zero"):
                divide(ours, tg.tensor([1, 0, 1, 1, 1], device=device))


def test_floor_divide_carries_no_gradient_like_pytorchs_undefined_one(device):
    x = tg.tensor([5.5, -3.0], requires_grad=True, device=device)
    q = x // 2
    assert q.tolist() == [2.0, -2.0] and not q.requires_grad
    z = x.div(2, rounding_mode="floor")
    z.sum().backward()
    assert z.requires_grad and x.grad.tolist() == [0.0, 0.0]


def test_closeness_and_logical_reductions_match_pytorch(device):
    a = np.array([[1.0, math.inf, math.nan], [1e-9, -math.inf, 2.0]])
    b = np.array([[1.0 + 1e-6, math.inf, math.nan], [0.0, math.inf, 2.1]])
    ours = [tg.tensor(a, device=device), tg.tensor(b, device=device)]
    theirs = [torch.tensor(a), torch.tensor(b)]
    for kw in ({}, {"equal_nan": True}, {"rtol": 0.1}, {"atol": 0.0, "rtol": 0.0}):
        np.testing.assert_array_equal(tg.isclose(*ours, **kw).numpy(), torch.isclose(*theirs, **kw).numpy())
        assert ours[0].allclose(ours[1], **kw) == torch.allclose(*theirs, **kw)
    mask, tmask = ours[0] > 0.5, theirs[0] > 0.5
    for kw in ({}, {"dim": 1}, {"dim": 0, "keepdim": True}):
        np.testing.assert_array_equal(mask.any(**kw).numpy(), tmask.any(**kw).numpy())
        np.testing.assert_array_equal(tg.all(mask, **kw).numpy(), torch.all(tmask, **kw).numpy())
    assert tg.equal(ours[0][1:, :2], ours[0][1:, :2]) and not ours[0].equal(ours[1])


def test_index_lists_inside_a_tuple_like_pytorch(device):
    x = np.arange(24.0).reshape(2, 3, 4)
    keys = [(0, [1, 2]), ([1, 0], slice(None), [3, 3]), (0, (2, 0)), ([],), (slice(None), [], 0),
            (Ellipsis, [0, -1]), ([True, False], 1)]
    for key in keys:
        ours = tg.tensor(x, requires_grad=True, device=device)
        theirs = torch.tensor(x, requires_grad=True)
        np.testing.assert_array_equal(ours[key].numpy(), theirs[key].detach().numpy())
        ours[key].sum().backward()
        theirs[key].sum().backward()
        np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())


def test_sampling_functions_draw_what_they_say(device):
    g = tg.Generator().manual_seed(3)
    weights = tg.tensor([[0.0, 1.0, 3.0], [5.0, 0.0, 0.0]], device=device)
    draws = tg.multinomial(weights, 4000, replacement=True, generator=g)
    assert draws.shape == (2, 4000) and draws.dtype == tg.int64 and draws.device == device
    counts = np.bincount(draws.numpy()[0], minlength=3)
    assert counts[0] == 0 and abs(counts[2] / 4000 - 0.75) < 0.03 and set(draws.numpy()[1]) == {0}
    once = tg.multinomial(tg.tensor([1.0, 2.0, 3.0, 0.0]), 3, generator=g)
    assert sorted(once.tolist()) == [0, 1, 2]
    again = tg.multinomial(weights, 2, generator=tg.Generator().manual_seed(3), replacement=True)
    assert again.tolist() == tg.multinomial(weights, 2, generator=tg.Generator().manual_seed(3),
                                            replacement=True).tolist()
    with pytest.raises(RuntimeError, match="cannot draw 2 samples without replacement"):
        tg.multinomial(weights, 2)
    with pytest.raises(RuntimeError, match="inf, nan or a negative"):
        tg.multinomial(tg.tensor([1.0, -1.0]), 1)
    perm = tg.randperm(10, generator=g, device=device)
    assert sorted(perm.tolist()) == list(range(10)) and perm.dtype == tg.int64
    mean = tg.zeros(20000, requires_grad=True, device=device)
    sample = tg.normal(mean, 2.0, generator=g)
    assert abs(float(sample.std()) - 2.0) < 0.05
    sample.sum().backward()
    assert mean.grad.tolist() == [1.0] * 20000
    assert tg.normal(1.0, 0.5, size=(3, 2)).shape == (3, 2)
    bits = tg.bernoulli(tg.full((10000,), 0.25, device=device), generator=g)
    assert set(bits.tolist()) <= {0.0, 1.0} and abs(float(bits.mean()) - 0.25) < 0.02


def test_function_forms_take_pytorchs_keyword_names():
    x, y = tg.tensor([[1.0, 2.0], [3.0, 4.0]]), tg.tensor([[0.5], [2.0]])
    assert tg.matmul(input=x, other=x).tolist() == (x @ x).tolist()
    assert tg.pow(x, exponent=2).tolist() == (x**2).tolist()
    assert tg.sum(input=x, dim=1).tolist() == [3.0, 7.0]
    assert tg.add(x, y, alpha=2).tolist() == [[2.0, 3.0], [7.0, 8.0]]
    assert tg.maximum(input=x, other=y).tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert tg.cumsum(x, dim=0).tolist() == [[1.0, 2.0], [4.0, 6.0]]
    assert tg.tril(x, diagonal=-1).tolist() == [[0.0, 0.0], [3.0, 0.0]]
    assert x.nelement() == tg.numel(x) == 4 and x.t().tolist() == [[1.0, 3.0], [2.0, 4.0]]
    assert x.contiguous() is x and x.is_contiguous() and x.view_as(tg.zeros(4)).shape == (4,)
    assert tg.trace is tg.static.trace  # the static-graph tracer keeps its name; a matrix trace is x.trace()


def test_every_new_op_reruns_from_json_attrs_and_draws(device):
    """Drawings, animations and static graphs rebuild ops from plain data and call their backward."""
    import json

    x = tg.tensor(KINKFREE, requires_grad=True, device=device)
    b = tg.tensor(B, requires_grad=True, device=device)
    parts = [x.tan(), x.atan(), x.sinh(), x.cosh(), x.asinh(), (b + 0.5).acosh(), (x * 0.4).asin(),
             (x * 0.4).acos(), (x * 0.4).atanh(), b.log2(), b.log10(), (x * 0.4).log1p(), x.expm1(), x.erf(),
             x.floor() * x, x.ceil(), x.trunc(), x.round(decimals=1), x.frac(), x.atan2(b), x.fmod(b),
             x.remainder(b), x.div(b, rounding_mode="floor"), x.elu(), x.selu(), x.silu(), x.mish(),
             x.hardtanh(-0.5, 0.5), x.cumsum(1), x.cumprod(0), x.prod(1, keepdim=True) * x, x.tril(),
             x.triu(1), x.roll(1, 1), x.gelu()]
    y = tg.cat([p.reshape(-1) for p in parts]).sum()
    seen, stack, names = set(), [y], set()
    while stack:
        node = stack.pop()
        if node._op is None or id(node) in seen:
            continue
        seen.add(id(node))
        names.add(node._op.name)
        stack.extend(node._parents)
        op = type(node._op)(**json.loads(json.dumps(node._op.attrs)))
        xp = tg.backend.xp_of(node.array)
        arrays = [p.array for p in node._parents]
        np.testing.assert_allclose(tg.backend.to_host(op.forward(xp, *arrays)), node.numpy(), rtol=1e-12)
        for got, want in zip(op.backward(xp, node.array, *arrays, out=node.array),
                             node._op.backward(xp, node.array, *arrays, out=node.array)):
            if got is not None:
                np.testing.assert_allclose(tg.backend.to_host(got), tg.backend.to_host(want), rtol=1e-12)
    assert {"atan2", "cumprod", "prod", "tril", "triu", "roll", "erf", "elu", "mish", "fmod"} <= names
    shot = tg.snapshot(y)
    json.dumps(shot)
    drawn = {n["op"] for n in shot["nodes"] if n["kind"] == "op"}
    assert names <= drawn and sum(e["phase"] == "backward" for e in shot["events"]) > len(parts)
