"""conv2d: forward, input/weight/bias gradients against PyTorch over random geometries, central
differences, the strict device, and the errors for inputs that don't fit."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
from tests.test_conv_oracle import DEVICES, check_against_torch, check_central_differences


@st.composite
def conv_cases(draw):
    groups = draw(st.integers(1, 3))
    cin, cout = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    spans = [d * (k - 1) + 1 for d, k in zip(dilation, kernel)]
    size = [draw(st.integers(max(1, s - 2 * p), s - 2 * p + 5)) for s, p in zip(spans, padding)]
    batch = draw(st.integers(1, 2))
    bias = draw(st.booleans())
    return dict(x=(batch, cin, *size), w=(cout, cin // groups, *kernel), bias=bias,
                kw=dict(stride=stride, padding=padding, dilation=dilation, groups=groups))


@pytest.mark.parametrize("device", DEVICES)
@settings(max_examples=30, deadline=None)
@given(case=conv_cases(), seed=st.integers(0, 2**16))
def test_conv2d_matches_torch(device, case, seed):
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(case["x"]), rng.standard_normal(case["w"])]
    if case["bias"]:
        arrays.append(rng.standard_normal(case["w"][0]))
    kw = case["kw"]
    check_against_torch(lambda *t: tg.conv2d(*t, **kw), lambda *t: F.conv2d(*t, **kw), arrays, device, seed)


@pytest.mark.parametrize("padding", ["same", "valid", 1, (0, 2)])
def test_conv2d_padding_forms_match_torch(padding):
    rng = np.random.default_rng(1)
    arrays = [rng.standard_normal((2, 3, 6, 5)), rng.standard_normal((4, 3, 2, 3)), rng.standard_normal(4)]
    kw = dict(padding=padding, dilation=(2, 1))
    check_against_torch(lambda *t: tg.conv2d(*t, **kw), lambda *t: F.conv2d(*t, **kw), arrays)


def test_conv2d_gradients_match_central_differences():
    rng = np.random.default_rng(2)
    arrays = [rng.standard_normal((2, 2, 5, 4)), rng.standard_normal((2, 1, 2, 3)), rng.standard_normal(2)]
    check_central_differences(lambda x, w, b: tg.conv2d(x, w, b, stride=2, padding=1, groups=2), arrays)


def test_conv2d_unbatched_input_and_float32_stay_like_torch():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((3, 6, 6)).astype(np.float32)
    w = rng.standard_normal((2, 3, 3, 3)).astype(np.float32)
    out = tg.conv2d(tg.Tensor(x), tg.Tensor(w), padding=1)
    expected = F.conv2d(torch.tensor(x), torch.tensor(w), padding=1)
    assert out.dtype == tg.float32 and out.shape == tuple(expected.shape) == (2, 6, 6)
    np.testing.assert_allclose(out.numpy(), expected.numpy(), rtol=1e-5, atol=1e-5)


def test_conv2d_builds_one_named_graph_node():
    x = tg.randn(1, 1, 4, 4, requires_grad=True)
    out = tg.conv2d(x, tg.randn(1, 1, 3, 3), stride=1, padding=(1, 0))
    assert out._op.name == "conv2d" and out._parents[0] is x
    assert out._op.attrs == {"stride": (1, 1), "padding": (1, 1, 0, 0), "dilation": (1, 1), "groups": 1,
                             "input_grad": True}


def test_conv2d_skips_the_input_gradient_when_the_input_needs_none():
    x, w = tg.randn(2, 3, 6, 6), tg.randn(4, 3, 3, 3, requires_grad=True)
    out = tg.conv2d(x, w)
    assert out._op.attrs["input_grad"] is False
    assert out._op.backward(np, np.ones(out.shape, np.float32), x.array, w.array, out=out.array)[0] is None
    out.sum().backward()
    assert x.grad is None and w.grad.shape == w.shape


@pytest.mark.parametrize("args, kwargs, message", [
    (((2, 3, 5, 5), (4, 2, 3, 3)), {}, r"conv2d: input \(2, 3, 5, 5\) has 3 channels and weight \(4, 2"),
    (((2, 4, 5, 5), (3, 2, 3, 3)), {"groups": 2}, "out_channels 3 must also be divisible by groups"),
    (((2, 3, 2, 5), (4, 3, 3, 3)), {}, r"conv2d: kernel \(3, 3\) \(dilated height 3\) is larger than"),
    (((2, 3, 5, 5), (4, 3, 3, 3)), {"dilation": 3}, "dilated height 7"),
    (((3, 5, 5, 5, 1), (4, 3, 3, 3)), {}, r"conv2d: expected a 3-D \(C, H, W\) or 4-D"),
    (((2, 3, 5, 5), (4, 3, 3)), {}, "conv2d: expected a 4-D"),
    (((2, 3, 5, 5), (4, 3, 3, 3)), {"stride": 0}, "conv2d: stride must be an int >= 1"),
    (((2, 3, 5, 5), (4, 3, 3, 3)), {"stride": 1.5}, r"conv2d: stride must be an int >= 1 or .* got 1.5"),
    (((2, 3, 5, 5), (4, 3, 3, 3)), {"dilation": (1, 1, 1)}, r"conv2d: dilation must be .* got \(1, 1, 1\)"),
    (((2, 3, 5, 5), (4, 3, 3, 3)), {"padding": -1}, "conv2d: padding must be an int >= 0"),
    (((2, 3, 5, 5), (4, 3, 3, 3)), {"padding": "full"}, "conv2d: padding must be 'valid', 'same'"),
    (((2, 3, 5, 5), (4, 3, 3, 3)), {"padding": "same", "stride": 2}, "padding='same' needs stride 1"),
    (((2, 3, 5, 5), (4, 3, 3, 3)), {"groups": 0}, "conv2d: groups must be a positive int"),
])
def test_conv2d_errors_name_the_op_and_shapes(args, kwargs, message):
    x, w = (tg.zeros(*shape) for shape in args)
    with pytest.raises(ValueError, match=message):
        tg.conv2d(x, w, **kwargs)


def test_conv2d_bias_and_dtype_errors():
    x, w = tg.zeros(1, 2, 4, 4), tg.zeros(3, 2, 2, 2)
    with pytest.raises(ValueError, match=r"bias must have shape \(3,\).*got \(2,\)"):
        tg.conv2d(x, w, tg.zeros(2))
    with pytest.raises(TypeError, match="must share one dtype, got float32, float64"):
        tg.conv2d(x, tg.zeros(3, 2, 2, 2, dtype="float64"))
    with pytest.raises(TypeError, match="conv2d: expected a floating-point input, got dtype int64"):
        tg.conv2d(tg.zeros(1, 2, 4, 4, dtype="int64"), w)
    with pytest.raises(TypeError, match="conv2d: expected weight to be a Tensor, got ndarray"):
        tg.conv2d(x, np.zeros((3, 2, 2, 2)))


def test_conv2d_second_backward_with_retain_graph_gives_the_same_weight_gradient():
    """The forward's columns are reused once, then recomputed: both backward passes must agree."""
    x, w = tg.randn(2, 2, 5, 5, dtype="float64"), tg.randn(3, 2, 3, 3, dtype="float64", requires_grad=True)
    loss = (tg.conv2d(x, w, padding=1) ** 2).sum()
    loss.backward(retain_graph=True)
    first = w.grad.numpy().copy()
    loss.backward()
    np.testing.assert_allclose(w.grad.numpy(), 2 * first, rtol=1e-12)


def test_conv2d_and_pooling_accept_an_empty_batch():
    x, w = tg.zeros(0, 2, 5, 5, requires_grad=True), tg.randn(3, 2, 3, 3, requires_grad=True)
    out = tg.avg_pool2d(tg.max_pool2d(tg.conv2d(x, w, padding=1), 2), 2)
    out.sum().backward()
    assert out.shape == (0, 3, 1, 1) and x.grad.shape == x.shape and not w.grad.numpy().any()


def test_conv2d_reuses_saved_columns_only_for_the_input_they_came_from():
    from tinygrad_edu.ops.conv import Conv2d

    rng = np.random.default_rng(6)
    x1, x2 = rng.standard_normal((1, 2, 5, 5)), rng.standard_normal((1, 2, 5, 5))
    w = rng.standard_normal((3, 2, 2, 2))
    op = Conv2d(stride=(1, 1), padding=(0, 0, 0, 0), dilation=(1, 1), groups=1)
    op.forward(np, x1, w)
    out = op.forward(np, x2, w)                 # the saved columns are now x2's
    g = rng.standard_normal(out.shape)
    weight = torch.tensor(w, requires_grad=True)
    expected, = torch.autograd.grad(F.conv2d(torch.tensor(x1), weight), weight, torch.tensor(g))
    np.testing.assert_allclose(op.backward(np, g, x1, w, out=out)[1], expected.numpy(), rtol=1e-12)


@pytest.mark.parametrize("chunk", [1, 2000, 10**9])   # 1, 2 (of 5) or all samples at a time
def test_conv2d_in_chunks_of_samples_matches_torch(monkeypatch, chunk):
    """Columns are built a few samples at a time (one sample, several, the whole batch): same results."""
    from tinygrad_edu.ops import conv as conv_ops

    monkeypatch.setattr(conv_ops, "CHUNK_ELEMENTS", chunk)
    rng = np.random.default_rng(8)
    arrays = [rng.standard_normal((5, 4, 7, 6)), rng.standard_normal((6, 2, 3, 2)), rng.standard_normal(6)]
    kw = dict(stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2)
    check_against_torch(lambda *t: tg.conv2d(*t, **kw), lambda *t: F.conv2d(*t, **kw), arrays)


def test_a_float32_cnn_step_makes_no_float64_arrays():
    """conv, relu, pooling, the MLP head and cross-entropy: every node value and gradient stays float32."""
    from bench.workloads import conv_step
    from tinygrad_edu.graph_walk import topological_order
    from tinygrad_edu.nn import functional as Fn

    images, labels, params = conv_step._data_and_params(4)
    p = {k: tg.Tensor(v, requires_grad=True) for k, v in params.items()}
    loss = conv_step._lenet_loss(Fn, tg.Tensor(images), tg.Tensor(labels), p)
    loss.backward(retain_graph=True)
    nodes = topological_order(loss, lambda t: t._parents)
    floats = [t for t in nodes if t.dtype.kind == "f"]
    assert len(floats) > 20 and {t.dtype for t in floats} == {np.dtype(np.float32)}
    assert {t.grad.dtype for t in p.values()} == {np.dtype(np.float32)}
