"""Fuzzing every op and layer with random shapes, dtypes and arguments: the only outcomes allowed are
PyTorch's result (values, shape, and gradients where they flow) or the library's own clear error.

Each case is written once against a module `m` (tinygrad_edu or torch: the API names are the same) and
run on both. Where PyTorch refuses an input that tinygrad_edu accepts, there is nothing to compare with
and the case passes; where tinygrad_edu refuses, its error must be its own (tests/own_errors.py).
The number of examples is small (the suite must stay fast); TGE_FUZZ_EXAMPLES raises it for a long run.
"""
import operator
import os

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from own_errors import assert_own_error

import tinygrad_edu as tg

pytestmark = [pytest.mark.filterwarnings("ignore::RuntimeWarning"),  # NumPy on log(-1) and the like
              pytest.mark.filterwarnings("ignore:Initializing zero-element tensors"),
              pytest.mark.filterwarnings("ignore:.*degrees of freedom is <= 0")]  # PyTorch's var/std
EXAMPLES = int(os.environ.get("TGE_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
DTYPES = ["float32", "float64", "int64", "int32", "bool"]

shapes = st.lists(st.integers(0, 4), max_size=4).map(tuple)
dims = st.one_of(st.none(), st.integers(-5, 4), st.lists(st.integers(-4, 3), max_size=3).map(tuple))


def _array(shape, dtype, seed):
    rng = np.random.default_rng(seed)
    if dtype == "bool":
        return rng.random(shape) < 0.5
    if dtype.startswith("int"):
        return rng.integers(-3, 4, size=shape).astype(dtype)
    return rng.normal(size=shape).astype(dtype)


@st.composite
def arrays(draw, shape=None, dtype=None):
    shape = draw(shapes) if shape is None else shape
    return _array(shape, draw(st.sampled_from(DTYPES)) if dtype is None else dtype, draw(st.integers(0, 99)))


@st.composite
def related_shape(draw, shape):
    """A shape that often broadcasts against `shape` (sizes kept or set to 1, leading axes dropped),
    and sometimes does not."""
    out = [draw(st.sampled_from([s, 1, s, draw(st.integers(0, 4))])) for s in shape]
    return tuple(out[draw(st.integers(0, len(out))):]) if out else ()


def _inputs(module, arrays_):
    make = tg.tensor if module is tg else torch.tensor
    return [make(a, requires_grad=a.dtype.kind == "f") for a in arrays_]


def _flat(out):
    if isinstance(out, (tuple, list)):
        return [y for x in out for y in _flat(x)]
    return [out]


def _numpy(x):
    if isinstance(x, torch.Tensor):
        return x.detach().numpy()
    return x.numpy() if isinstance(x, tg.Tensor) else np.asarray(x)


def _close(ours, theirs, what, tolerance):
    a, b = _numpy(ours), _numpy(theirs)
    assert a.shape == b.shape, f"{what}: shape {a.shape}, PyTorch {b.shape}"
    assert (a.dtype.kind == "b") == (b.dtype.kind == "b"), f"{what}: dtype {a.dtype}, PyTorch {b.dtype}"
    np.testing.assert_allclose(a.astype(np.float64), b.astype(np.float64), rtol=tolerance, atol=tolerance,
                               equal_nan=True, err_msg=what)


def check(case, arrays_, tolerance=None):
    """Run `case(m, *tensors)` on both libraries and compare (see the module docstring). Where float32
    takes part, results agree to float32 precision only."""
    if tolerance is None:
        tolerance = 1e-9 if all(a.dtype != np.float32 for a in arrays_) else 1e-4
    ours_in = _inputs(tg, arrays_)
    try:
        ours = case(tg, *ours_in)
    except Exception as err:  # noqa: BLE001 - any error must be the library's own
        assert_own_error(err)
        return
    theirs_in = _inputs(torch, arrays_)
    try:
        theirs = case(torch, *theirs_in)
    except Exception:  # noqa: BLE001 - PyTorch refuses: nothing to compare
        return
    outs, refs = _flat(ours), _flat(theirs)
    assert len(outs) == len(refs)
    for i, (o, r) in enumerate(zip(outs, refs)):
        _close(o, r, f"output {i}", max(tolerance, 1e-4 if o.dtype == tg.float32 else 0))
    _check_backward(outs, refs, ours_in, theirs_in, tolerance)


def _check_backward(outs, refs, ours_in, theirs_in, tolerance):
    pairs = [(o, r) for o, r in zip(outs, refs) if isinstance(r, torch.Tensor) and r.requires_grad
             and r.numel() > 0]
    if not pairs:
        return
    rng = np.random.default_rng(0)
    weights = [rng.normal(size=tuple(r.shape)) for _, r in pairs]
    ref_loss = sum((r * torch.tensor(w, dtype=r.dtype)).sum() for (_, r), w in zip(pairs, weights))
    try:
        ref_loss.backward()
    except Exception:  # noqa: BLE001
        return
    try:
        loss = sum((o * tg.tensor(w, dtype=o.dtype)).sum() for (o, _), w in zip(pairs, weights))
        loss.backward()
    except Exception as err:  # noqa: BLE001
        assert_own_error(err)
        return
    for i, (x, tx) in enumerate(zip(ours_in, theirs_in)):
        if tx.grad is not None:
            assert x.grad is not None, f"input {i} got no gradient"
            _close(x.grad, tx.grad, f"gradient of input {i}", tolerance)


UNARY = ["abs", "neg", "exp", "log", "sqrt", "rsqrt", "sin", "cos", "tanh", "sigmoid", "relu", "square",
         "reciprocal", "sign", "float", "double", "long", "int", "bool", "clone", "detach"]


@FUZZ
@given(name=st.sampled_from(UNARY), x=arrays())
def test_unary_ops(name, x):
    check(lambda m, t: getattr(t, name)(), [x])


_ACTIVATIONS = {
    "leaky_relu": lambda m, t, a: m.nn.functional.leaky_relu(t, a),
    "gelu": lambda m, t, a: m.nn.functional.gelu(t, approximate="tanh" if a > 0 else "none"),
    "softplus": lambda m, t, a: t.softplus(abs(a) + 0.5) if m is tg else torch.nn.functional.softplus(
        t, beta=abs(a) + 0.5),
    "clamp": lambda m, t, a: t.clamp(min=a, max=a + 1),
    "clamp_min": lambda m, t, a: t.clamp(min=a),
    "pow": lambda m, t, a: t ** a,
    "rpow": lambda m, t, a: (abs(a) + 0.5) ** t,
    "mul_scalar": lambda m, t, a: t * a,
    "add_int": lambda m, t, a: t + int(a),
    "div_scalar": lambda m, t, a: t / a,
    "rsub": lambda m, t, a: a - t,
}


@FUZZ
@given(name=st.sampled_from(sorted(_ACTIVATIONS)), x=arrays(), a=st.sampled_from([-2.0, -0.5, 0.0, 1.0, 3]))
def test_functions_with_a_scalar(name, x, a):
    # GELU's erf is Abramowitz & Stegun's 7.1.26 (NumPy has none): within 1.5e-7 of PyTorch's
    check(lambda m, t: _ACTIVATIONS[name](m, t, a), [x], tolerance=1e-6 if name == "gelu" else None)


BINARY = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "truediv": operator.truediv,
          "pow": operator.pow, "matmul": operator.matmul, "lt": operator.lt, "le": operator.le,
          "gt": operator.gt, "ge": operator.ge, "eq": operator.eq, "ne": operator.ne, "and": operator.and_,
          "or": operator.or_, "xor": operator.xor, "maximum": lambda a, b: a.maximum(b),
          "minimum": lambda a, b: a.minimum(b)}


@FUZZ
@given(name=st.sampled_from(sorted(BINARY)), data=st.data())
def test_binary_ops_with_broadcasting(name, data):
    x = data.draw(arrays())
    if name == "pow":  # the exponent's gradient at a base <= 0 is 0 by design (ops.elementwise.Pow)
        x = np.abs(x).astype(np.float64 if x.dtype.kind in "biu" else x.dtype) + 0.5
    y = data.draw(arrays(shape=data.draw(related_shape(x.shape))))
    check(lambda m, a, b: BINARY[name](a, b), [x, y])


_REDUCTIONS = ["sum", "mean", "amax", "amin", "argmax", "argmin", "var", "std", "logsumexp", "max", "min",
               "softmax", "log_softmax"]


@FUZZ
@given(name=st.sampled_from(_REDUCTIONS), x=arrays(), dim=dims, keepdim=st.booleans())
def test_reductions(name, x, dim, keepdim):
    if dim == () and name in ("var", "std"):
        dim = None  # the same reduction (every dim); PyTorch's backward of var(dim=()) divides by zero
    if name in ("softmax", "log_softmax"):
        check(lambda m, t: getattr(t, name)(dim=dim), [x])
    elif dim is None:
        check(lambda m, t: getattr(t, name)(), [x])
    else:
        check(lambda m, t: getattr(t, name)(dim, keepdim=keepdim), [x])


def _movement(name, t, a, b):
    """Shape and indexing methods, with arguments drawn from two small random ints lists."""
    calls = {
        "reshape": lambda: t.reshape(*a),
        "view": lambda: t.view(*a),
        "permute": lambda: t.permute(*a),
        "transpose": lambda: t.transpose(*(list(a) + [0, 0])[:2]),
        "squeeze": lambda: t.squeeze(a[0]) if a else t.squeeze(),
        "unsqueeze": lambda: t.unsqueeze(a[0] if a else 0),
        "flatten": lambda: t.flatten(*a[:2]),
        "expand": lambda: t.expand(*a),
        "repeat": lambda: t.repeat(*a),
        "flip": lambda: t.flip(a),
        "split": lambda: t.split(a[0] if a else 1, b[0] if b else 0),
        "chunk": lambda: t.chunk(a[0] if a else 1, b[0] if b else 0),
        "getitem int": lambda: t[tuple(a)],
        "getitem slice": lambda: t[tuple(slice(i, j) for i, j in zip(a, b))],
        "getitem none": lambda: t[None, ..., a[0] if a else 0],
    }
    return calls[name]()


@FUZZ
@given(name=st.sampled_from(["reshape", "view", "permute", "transpose", "squeeze", "unsqueeze", "flatten",
                             "expand", "repeat", "flip", "split", "chunk", "getitem int", "getitem slice",
                             "getitem none"]),
       x=arrays(), a=st.lists(st.integers(-3, 4), max_size=4).map(tuple),
       b=st.lists(st.integers(-3, 4), max_size=4).map(tuple))
def test_shape_and_indexing_methods(name, x, a, b):
    check(lambda m, t: _movement(name, t, a, b), [x])


def _pad(m):
    return tg.pad if m is tg else torch.nn.functional.pad


_COMBINE = {
    "cat": lambda m, a, b, d: m.cat([a, b], dim=d),
    "stack": lambda m, a, b, d: m.stack([a, b], dim=d),
    "where": lambda m, a, b, d: m.where(a > 0, a, b),
    "gather": lambda m, a, b, d: a.gather(d, b),
    "index_select": lambda m, a, b, d: a.index_select(d, b.reshape(-1)),
    "masked_fill": lambda m, a, b, d: a.masked_fill(b > 0, 1.5),
    "pad": lambda m, a, b, d: _pad(m)(a, (abs(d), 1) * min(abs(d), a.ndim)),
}


@FUZZ
@given(name=st.sampled_from(sorted(_COMBINE)), data=st.data(), d=st.integers(-3, 3))
def test_functions_of_several_tensors(name, data, d):
    x = data.draw(arrays())
    index = name in ("gather", "index_select")
    shape = data.draw(related_shape(x.shape)) if name != "gather" else x.shape
    y = _array(shape, "int64", 0) % max(1, min(x.shape or (1,))) if index else data.draw(arrays(shape=shape))
    check(lambda m, a, b: _COMBINE[name](m, a, b, d), [x, y])


@st.composite
def layer_cases(draw):
    """(name, build(m), input arrays, train) for a random layer configuration and a random input."""
    small = st.integers(0, 4)
    n, c, o, k = draw(st.integers(1, 3)), draw(small), draw(small), draw(st.integers(0, 3))
    lead = draw(st.lists(small, max_size=2).map(tuple))
    feature_input = draw(st.sampled_from([lead + (c,), lead + (draw(small),), ()]))
    image = (n, c, draw(small) + 1, draw(small) + 1)
    seq = (draw(small), n, c)
    stride, padding, softmax_dim = draw(st.integers(0, 2)), draw(st.integers(0, 2)), draw(st.integers(-3, 2))
    choices = {
        "Linear": (lambda m: m.nn.Linear(c, o), [feature_input]),
        "Bilinear": (lambda m: m.nn.Bilinear(c, c, o), [feature_input, feature_input]),
        "Conv1d": (lambda m: m.nn.Conv1d(c or 1, o or 1, k, stride or 1, padding), [image[:3]]),
        "Conv2d": (lambda m: m.nn.Conv2d(c or 1, o or 1, k, stride or 1, padding), [image]),
        "MaxPool2d": (lambda m: m.nn.MaxPool2d(k, stride=stride or None, padding=padding), [image]),
        "AvgPool2d": (lambda m: m.nn.AvgPool2d(k, stride=stride or None, padding=padding), [image]),
        "AdaptiveAvgPool2d": (lambda m: m.nn.AdaptiveAvgPool2d(k or 1), [image]),
        "BatchNorm1d": (lambda m: m.nn.BatchNorm1d(c), [draw(st.sampled_from([(n, c), (n, c, k), (c,)]))]),
        "BatchNorm2d": (lambda m: m.nn.BatchNorm2d(c), [image]),
        "LayerNorm": (lambda m: m.nn.LayerNorm(c), [feature_input]),
        "Flatten": (lambda m: m.nn.Flatten(), [draw(shapes)]),
        "Dropout": (lambda m: m.nn.Dropout(0.5), [draw(shapes)]),
        "Softmax": (lambda m: m.nn.Softmax(dim=softmax_dim), [draw(shapes)]),
        "RNN": (lambda m: m.nn.RNN(c or 1, o or 1), [seq[:2] + (c or 1,)]),
        "LSTM": (lambda m: m.nn.LSTM(c or 1, o or 1, batch_first=bool(k % 2)), [seq[:2] + (draw(small),)]),
        "GRU": (lambda m: m.nn.GRU(c or 1, o or 1), [seq if draw(st.booleans()) else seq[1:]]),
    }
    name = draw(st.sampled_from(sorted(choices)))
    build, input_shapes = choices[name]
    dtype = draw(st.sampled_from(["float32", "float32", "float64", "int64"]))
    inputs = [_array(s, dtype, draw(st.integers(0, 99))) for s in input_shapes]
    return name, build, inputs, draw(st.booleans())


@FUZZ
@given(case=layer_cases())
def test_layers(case):
    """Ours is built, then PyTorch's twin, whose weights ours takes; both run on the same input."""
    name, build, inputs, train = case
    try:
        ours = build(tg)
    except Exception as err:  # noqa: BLE001
        assert_own_error(err)
        return
    try:
        theirs = build(torch)
    except Exception:  # noqa: BLE001 - PyTorch refuses the configuration: ours still must not crash
        theirs = None
    else:
        ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    train = train and name != "Dropout"  # dropout masks are random draws: compared in eval mode only
    for layer in (ours, theirs):
        if layer is not None:
            layer.train(train)
            if "float64" in {a.dtype.name for a in inputs}:
                layer.double()
    check(lambda m, *xs: (ours if m is tg else theirs)(*xs), inputs)


_LOSSES = ["mse_loss", "l1_loss", "cross_entropy", "nll_loss", "binary_cross_entropy_with_logits"]


@FUZZ
@given(name=st.sampled_from(_LOSSES), data=st.data(), reduction=st.sampled_from(["mean", "sum", "none"]))
def test_losses(name, data, reduction):
    x = data.draw(arrays(dtype=data.draw(st.sampled_from(["float32", "float64"]))))
    if name in ("cross_entropy", "nll_loss"):
        classes = x.shape[1] if x.ndim > 1 else (x.shape[0] if x.ndim else 1)
        target_shape = x.shape[:1] + x.shape[2:] if x.ndim > 1 else ()
        y = _array(data.draw(st.sampled_from([target_shape, x.shape])), "int64", 1) % max(classes, 1)
    else:
        y = data.draw(arrays(shape=data.draw(related_shape(x.shape)), dtype=str(x.dtype)))
    check(lambda m, a, b: getattr(m.nn.functional, name)(a, b, reduction=reduction), [x, y])


@pytest.mark.parametrize("bad", [np.zeros(2, dtype=object), "text", None])
def test_non_tensor_arguments_get_the_librarys_error(bad):
    for call in (lambda: tg.ones(2) + bad, lambda: tg.cat([tg.ones(2), bad]), lambda: tg.ones(2).reshape(bad),
                 lambda: tg.nn.Linear(2, 2)(bad)):
        with pytest.raises(Exception) as info:  # noqa: B017 - which class depends on the argument
            call()
        assert_own_error(info.value)
