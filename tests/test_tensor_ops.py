"""Every differentiable op, on random shapes (broadcasting, size-1 and 0-d included), three ways:
forward and backward against PyTorch, and backward against float64 central differences (gradcheck).
Runs on the cpu and strict devices (the strict one catches any op that slips into NumPy)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, mutually_broadcastable_shapes

import tinygrad_edu as tg

torch = pytest.importorskip("torch")  # the oracle; installed by the dev extra (make test)

SMALL = dict(min_dims=0, max_dims=3, min_side=1, max_side=4)
NONEMPTY = array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)
SEEDS = st.integers(0, 2**16)


def values(rng, shape, domain="any"):
    """Random float32 values; domains keep inputs away from kinks, ties and invalid regions."""
    x = rng.standard_normal(shape)
    if domain == "positive":
        x = np.abs(x) + 0.5
    elif domain == "kinkfree":
        x = np.sign(x) * (np.abs(x) + 0.1)
        x = np.where(x == 0, 0.3, x)
    return x.astype(np.float32)


def check(fn, arrays, device, grads=None, tol=1e-4, gradcheck=True):
    """Compare fn(tg, ...) with fn(torch, ...) forward and backward, then gradcheck it in float64."""
    grads = grads if grads is not None else [a.dtype.kind == "f" for a in arrays]
    ours = [tg.tensor(a, requires_grad=r, device=device) for a, r in zip(arrays, grads)]
    theirs = [torch.tensor(a, requires_grad=r) for a, r in zip(arrays, grads)]
    out, ref = fn(tg, *ours), fn(torch, *theirs)
    assert out.shape == tuple(ref.shape)
    assert out.device == device
    np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), rtol=tol, atol=tol)
    weights = np.random.default_rng(1).standard_normal(out.shape).astype(np.float32)
    (out * tg.tensor(weights, device=device)).sum().backward()
    (ref * torch.tensor(weights)).sum().backward()
    for mine, torchs, r in zip(ours, theirs, grads):
        if r:
            assert mine.grad is not None and mine.grad.shape == mine.shape and mine.grad.dtype == mine.dtype
            np.testing.assert_allclose(mine.grad.numpy(), torchs.grad.numpy(), rtol=tol * 10, atol=tol * 10)
    again = [tg.tensor(a, requires_grad=r, device=device) for a, r in zip(arrays, grads)]
    wanted = [t for t, r in zip(again, grads) if r]
    weights_t = tg.tensor(weights, device=device)
    graphed = tg.grad((fn(tg, *again) * weights_t).sum(), wanted, create_graph=True, allow_unused=True)
    for plain, g in zip([t for t, r in zip(ours, grads) if r], graphed):
        np.testing.assert_allclose(g.numpy(), plain.grad.numpy(), rtol=tol, atol=tol)
    if gradcheck:
        assert tg.gradcheck(lambda *xs: fn(tg, *xs), *ours)
        if device == "cpu" and sum(a.size for a in arrays) <= 24:
            assert tg.gradcheck(lambda *xs: _gradient(fn, xs, grads), *ours, atol=1e-4, rtol=1e-3)


def _gradient(fn, xs, grads):
    """The first derivatives as a differentiable function, so gradcheck can check second derivatives."""
    wanted = [x for x, r in zip(xs, grads) if r]
    out = fn(tg, *xs)
    weights = tg.tensor(np.linspace(-1, 1, max(out.numel(), 1)).reshape(out.shape), dtype=out.dtype)
    found = tg.grad((out * weights).sum(), wanted, create_graph=True, allow_unused=True)
    return tuple(g if g is not None else tg.zeros_like(x) for g, x in zip(found, wanted))


UNARY = {
    "neg": (lambda lib, x: -x, "any"),
    "exp": (lambda lib, x: x.exp(), "any"),
    "log": (lambda lib, x: x.log(), "positive"),
    "sqrt": (lambda lib, x: x.sqrt(), "positive"),
    "abs": (lambda lib, x: x.abs(), "kinkfree"),
    "sin": (lambda lib, x: x.sin(), "any"),
    "cos": (lambda lib, x: x.cos(), "any"),
    "tanh": (lambda lib, x: x.tanh(), "any"),
    "sigmoid": (lambda lib, x: x.sigmoid(), "any"),
    "relu": (lambda lib, x: x.relu(), "kinkfree"),
    "leaky_relu": (lambda lib, x: _nnf(lib).leaky_relu(x, 0.1), "kinkfree"),
    "gelu": (lambda lib, x: _nnf(lib).gelu(x), "any"),
    "gelu_tanh": (lambda lib, x: _nnf(lib).gelu(x, approximate="tanh"), "any"),
    "softplus": (lambda lib, x: _nnf(lib).softplus(x, beta=2.0), "any"),
    "clamp": (lambda lib, x: x.clamp(-0.05, 0.05) + x.clamp(min=0.05) + x.clamp(max=-0.05), "kinkfree"),
    "square": (lambda lib, x: x**2, "any"),
    "cube": (lambda lib, x: x**3, "any"),
    "pow_half": (lambda lib, x: x**0.5, "positive"),
    "reciprocal": (lambda lib, x: 1 / x, "positive"),
    "rpow": (lambda lib, x: 2**x, "any"),
    "scalar_mix": (lambda lib, x: (2.5 - x) * 3 + x / 4 - 1.5, "any"),
}


class _TgFunctional:
    """torch.nn.functional names over Tensor methods, so one lambda drives both libraries."""

    @staticmethod
    def leaky_relu(x, slope):
        return x.leaky_relu(slope)

    @staticmethod
    def gelu(x, approximate="none"):
        return x.gelu(approximate=approximate)

    @staticmethod
    def softplus(x, beta):
        return x.softplus(beta=beta)


def _nnf(lib):
    return torch.nn.functional if lib is torch else _TgFunctional


@pytest.mark.parametrize("name", sorted(UNARY))
@given(shape=array_shapes(**SMALL), seed=SEEDS)
def test_unary(device, name, shape, seed):
    fn, domain = UNARY[name]
    check(fn, [values(np.random.default_rng(seed), shape, domain)], device)


BINARY = {
    "add": (lambda lib, a, b: a + b, "any"),
    "sub": (lambda lib, a, b: a - b, "any"),
    "mul": (lambda lib, a, b: a * b, "any"),
    "div": (lambda lib, a, b: a / b, "positive"),
    "pow": (lambda lib, a, b: a**b, "positive"),
    "maximum": (lambda lib, a, b: lib.maximum(a, b), "any"),
    "minimum": (lambda lib, a, b: lib.minimum(a, b), "any"),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@given(shapes=mutually_broadcastable_shapes(num_shapes=2, **SMALL), seed=SEEDS)
def test_binary_broadcasting(device, name, shapes, seed):
    fn, domain = BINARY[name]
    rng = np.random.default_rng(seed)
    check(fn, [values(rng, s, domain) for s in shapes.input_shapes], device)


@given(shapes=mutually_broadcastable_shapes(num_shapes=3, **SMALL), seed=SEEDS)
def test_where(device, shapes, seed):
    rng = np.random.default_rng(seed)
    c, a, b = shapes.input_shapes
    check(
        lambda lib, cond, x, y: lib.where(cond, x, y),
        [rng.random(c) > 0.5, values(rng, a), values(rng, b)],
        device,
    )


def test_maximum_splits_ties_evenly(device):
    check(
        lambda lib, a, b: lib.maximum(a, b) + lib.minimum(a, b) * 2,
        [np.array([1.0, 2.0, 3.0], np.float32), np.array([1.0, 0.0, 3.0], np.float32)],
        device,
        gradcheck=False,
    )


@st.composite
def shape_and_dims(draw, min_dims=0, min_side=1):
    shape = draw(array_shapes(min_dims=min_dims, max_dims=3, min_side=min_side, max_side=4))
    dims = draw(
        st.none()
        | st.lists(st.integers(0, max(len(shape) - 1, 0)), min_size=1, max_size=len(shape), unique=True).map(
            tuple
        )
        if shape
        else st.none()
    )
    return shape, dims


def _kw(dims, keepdim, ndim):
    """torch needs an explicit dim for keepdim; None means every dim."""
    if dims is None:
        return {"dim": tuple(range(ndim)), "keepdim": True} if keepdim and ndim else {}
    return {"dim": dims, "keepdim": keepdim}


REDUCTIONS = {
    "sum": lambda x, kw: x.sum(**kw),
    "mean": lambda x, kw: x.mean(**kw),
    "amax": lambda x, kw: x.amax(**kw),
    "amin": lambda x, kw: x.amin(**kw),
    "logsumexp": lambda x, kw: x.logsumexp(**kw) if "dim" in kw else x.reshape(-1).logsumexp(0),
}


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@given(sd=shape_and_dims(), keepdim=st.booleans(), seed=SEEDS)
def test_reductions(device, name, sd, keepdim, seed):
    shape, dims = sd
    reduce = REDUCTIONS[name]
    check(
        lambda lib, x: reduce(x, _kw(dims, keepdim, len(shape))),
        [values(np.random.default_rng(seed), shape)],
        device,
    )


@given(
    sd=shape_and_dims(min_dims=1, min_side=3),
    keepdim=st.booleans(),
    correction=st.sampled_from([0, 1]),
    seed=SEEDS,
)
def test_var_std(device, sd, keepdim, correction, seed):
    shape, dims = sd
    kw = dict(_kw(dims, keepdim, len(shape)), correction=correction)
    check(lambda lib, x: x.var(**kw) + x.std(**kw), [values(np.random.default_rng(seed), shape)], device)


def test_max_ties_split_evenly_like_amax(device):
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]], np.float32)
    check(lambda lib, t: t.amax(dim=1), [x], device, gradcheck=False)
    check(lambda lib, t: t.amax(), [x], device, gradcheck=False)


@given(shape=NONEMPTY, data=st.data(), seed=SEEDS)
def test_softmax_family_and_max_dim(device, shape, data, seed):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    fn = lambda lib, x: x.softmax(dim) * 2 + x.log_softmax(dim=dim) + x.max(dim=dim, keepdim=True).values  # noqa: E731
    check(fn, [values(np.random.default_rng(seed), shape)], device)


@given(shape=array_shapes(**SMALL), data=st.data(), seed=SEEDS)
def test_shape_ops(device, shape, data, seed):
    ndim = len(shape)
    perm = tuple(data.draw(st.permutations(range(ndim))))
    unsq = data.draw(st.integers(-ndim - 1, ndim))
    reps = tuple(data.draw(st.lists(st.integers(1, 2), min_size=ndim, max_size=ndim + 1)))
    flips = (
        tuple(data.draw(st.lists(st.integers(0, max(ndim - 1, 0)), max_size=ndim, unique=True)))
        if ndim
        else ()
    )

    def fn(lib, x):
        parts = [
            x.reshape(-1),
            x.permute(perm).flatten(),
            x.unsqueeze(unsq).squeeze().reshape(-1),
            x.repeat(reps).reshape(-1)[: x.numel()],
        ]
        if ndim:
            parts.append(x.flip(flips).reshape(-1) if flips else x.reshape(-1))
            parts.append(x.transpose(0, -1).reshape(-1))
            parts.append(x.expand(2, *shape).sum(0).reshape(-1))
        return lib.cat([p * (i + 1) for i, p in enumerate(parts)])

    check(fn, [values(np.random.default_rng(seed), shape)], device)


@given(shape=NONEMPTY, data=st.data(), seed=SEEDS)
def test_cat_stack_split_chunk(device, shape, data, seed):
    dim = data.draw(st.integers(0, len(shape) - 1))
    other = shape[:dim] + (data.draw(st.integers(1, 3)),) + shape[dim + 1 :]
    rng = np.random.default_rng(seed)

    def fn(lib, a, b, c):
        joined = lib.cat([a, b], dim=dim)
        pieces = joined.split(2, dim) + joined.chunk(2, dim=dim)
        stacked = lib.stack([a, c], dim=dim).sum(dim)
        return lib.cat([p.reshape(-1) * (i + 1) for i, p in enumerate(pieces)] + [stacked.reshape(-1)])

    check(fn, [values(rng, shape), values(rng, other), values(rng, shape)], device)


@given(
    shape=array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3),
    data=st.data(),
    seed=SEEDS,
)
def test_pad(device, shape, data, seed):
    pads = tuple(
        data.draw(
            st.lists(st.integers(0, 2), min_size=2, max_size=2 * len(shape)).filter(lambda p: len(p) % 2 == 0)
        )
    )
    check(
        lambda lib, x: _pad(lib)(x, pads, value=0.5) * 3, [values(np.random.default_rng(seed), shape)], device
    )


def _pad(lib):
    return torch.nn.functional.pad if lib is torch else tg.pad


@given(shape=NONEMPTY, data=st.data(), seed=SEEDS)
def test_indexing(device, shape, data, seed):
    rng = np.random.default_rng(seed)
    x = values(rng, shape)
    first = shape[0]
    idx = np.array(
        data.draw(st.lists(st.integers(-first, first - 1), min_size=1, max_size=5)), dtype=np.int64
    )
    start = data.draw(st.integers(0, first - 1))
    step = data.draw(st.integers(1, 2))
    mask = rng.random(shape) > 0.4

    def fn(lib, t, index, m):
        parts = [t[index], t[start::step], t[..., None][0], t[m]]
        if t.ndim > 1:
            parts.append(t[:, -1])
            parts.append(t[index, 0])
        return lib.cat([p.reshape(-1) * (i + 1) for i, p in enumerate(parts)])

    check(fn, [x, idx, mask], device)


@given(shape=NONEMPTY, data=st.data(), seed=SEEDS)
def test_gather_index_select(device, shape, data, seed):
    rng = np.random.default_rng(seed)
    dim = data.draw(st.integers(0, len(shape) - 1))
    index_shape = tuple(rng.integers(1, s + 1) for s in shape)
    index = rng.integers(0, shape[dim], size=index_shape)
    rows = rng.integers(0, shape[dim], size=5)
    fn = lambda lib, x, i, r: lib.cat([x.gather(dim, i).reshape(-1), x.index_select(dim, r).reshape(-1) * 2])  # noqa: E731
    check(fn, [values(rng, shape), index, rows], device)


MATMUL_SHAPES = [
    ((3,), (3,)),
    ((2, 3), (3,)),
    ((3,), (3, 4)),
    ((2, 3), (3, 4)),
    ((5, 2, 3), (3, 4)),
    ((2, 3), (5, 3, 4)),
    ((5, 1, 2, 3), (4, 3, 2)),
    ((1, 3), (3, 1)),
    ((4,), (2, 4, 3)),
]


@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_matmul(device, shapes):
    rng = np.random.default_rng(0)
    check(lambda lib, a, b: a @ b, [values(rng, s) for s in shapes], device)
    check(lambda lib, a, b: lib.matmul(a, b).tanh(), [values(rng, s) for s in shapes], device)


@given(shapes=mutually_broadcastable_shapes(num_shapes=2, **SMALL), seed=SEEDS)
def test_comparisons_forward(device, shapes, seed):
    rng = np.random.default_rng(seed)
    a, b = (np.round(values(rng, s)) for s in shapes.input_shapes)
    ta, tb = tg.tensor(a, device=device), tg.tensor(b, device=device)
    pa, pb = torch.tensor(a), torch.tensor(b)
    for ours, theirs in [
        (ta < tb, pa < pb),
        (ta <= tb, pa <= pb),
        (ta > tb, pa > pb),
        (ta >= tb, pa >= pb),
        (ta == tb, pa == pb),
        (ta != tb, pa != pb),
        ((ta > 0) & (tb > 0), (pa > 0) & (pb > 0)),
        ((ta > 0) | ~(tb > 0), (pa > 0) | ~(pb > 0)),
    ]:
        assert ours.dtype == tg.bool_ and not ours.requires_grad
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@given(shape=NONEMPTY, data=st.data(), seed=SEEDS)
def test_argmax_argmin(device, shape, data, seed):
    x = values(np.random.default_rng(seed), shape)
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    t, p = tg.tensor(x, device=device), torch.tensor(x)
    np.testing.assert_array_equal(t.argmax(dim).numpy(), p.argmax(dim).numpy())
    np.testing.assert_array_equal(
        t.argmin(dim=dim, keepdim=True).numpy(), p.argmin(dim=dim, keepdim=True).numpy()
    )
    assert t.argmax().item() == p.argmax().item()
    np.testing.assert_array_equal(t.max(dim).indices.numpy(), p.max(dim).indices.numpy())
