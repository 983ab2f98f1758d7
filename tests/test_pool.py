"""max_pool2d and avg_pool2d against PyTorch over random geometries (ties, ceil_mode, padding, dilation),
central differences, the strict device, and errors."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
from tests.test_conv_oracle import DEVICES, check_against_torch, check_central_differences


@st.composite
def pool_cases(draw, dilate: bool):
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) if dilate else (1, 1)
    spans = [d * (k - 1) + 1 for d, k in zip(dilation, kernel)]
    size = [draw(st.integers(max(1, s - 2 * p), s - 2 * p + 5)) for s, p in zip(spans, padding)]
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2)), *size)
    kw = dict(kernel_size=kernel, stride=stride, padding=padding, ceil_mode=draw(st.booleans()))
    if dilate:
        kw["dilation"] = dilation
    return shape, kw


@pytest.mark.parametrize("device", DEVICES)
@settings(max_examples=30, deadline=None)
@given(case=pool_cases(dilate=True), seed=st.integers(0, 2**16), ties=st.booleans())
def test_max_pool2d_matches_torch(device, case, seed, ties):
    shape, kw = case
    x = np.random.default_rng(seed).standard_normal(shape)
    if ties:                                   # equal values in a window: the first one gets the gradient
        x = np.round(x)
    # A dilated window can fall entirely on padding: both give -inf, but PyTorch then sends the gradient
    # to an element outside the window (even of the next channel), so only compare where windows see data.
    assume(not np.isneginf(F.max_pool2d(torch.tensor(x), **kw).numpy()).any())
    check_against_torch(lambda t: tg.max_pool2d(t, **kw), lambda t: F.max_pool2d(t, **kw), [x], device, seed)


@pytest.mark.parametrize("device", DEVICES)
@settings(max_examples=30, deadline=None)
@given(case=pool_cases(dilate=False), seed=st.integers(0, 2**16), include_pad=st.booleans(),
       divisor=st.sampled_from([None, 1, 5]))
def test_avg_pool2d_matches_torch(device, case, seed, include_pad, divisor):
    shape, kw = case
    kw = dict(kw, count_include_pad=include_pad, divisor_override=divisor)
    x = np.random.default_rng(seed).standard_normal(shape)
    check_against_torch(lambda t: tg.avg_pool2d(t, **kw), lambda t: F.avg_pool2d(t, **kw), [x], device, seed)


def test_pool_gradients_match_central_differences():
    x = np.random.default_rng(4).standard_normal((1, 2, 5, 6))
    check_central_differences(lambda t: tg.max_pool2d(t, (2, 3), stride=(2, 1), padding=1, dilation=(2, 1)),
                              [x])
    check_central_differences(lambda t: tg.avg_pool2d(t, 3, stride=2, padding=1, ceil_mode=True,
                                                      count_include_pad=False), [x])


def test_pooling_unbatched_and_default_stride():
    x = tg.arange(16.0).reshape(1, 4, 4)
    assert tg.max_pool2d(x, 2).tolist() == [[[5.0, 7.0], [13.0, 15.0]]]
    assert tg.avg_pool2d(x, 2).tolist() == [[[2.5, 4.5], [10.5, 12.5]]]


@pytest.mark.parametrize("fn", [tg.max_pool2d, tg.avg_pool2d])
def test_pool_errors_name_the_op_and_shapes(fn):
    name = fn.__name__
    with pytest.raises(ValueError, match=rf"{name}: padding \(2, 2\) must be at most half of kernel_size"):
        fn(tg.zeros(1, 1, 8, 8), 3, padding=2)
    with pytest.raises(ValueError, match=rf"{name}: kernel_size \(5, 5\) .* the input \(1, 1, 3, 8\)"):
        fn(tg.zeros(1, 1, 3, 8), 5)
    with pytest.raises(ValueError, match=rf"{name}: expected a 3-D \(C, H, W\) or 4-D .* got shape \(4, 4\)"):
        fn(tg.zeros(4, 4), 2)
    with pytest.raises(ValueError, match=rf"{name}: kernel_size must be an int >= 1"):
        fn(tg.zeros(1, 1, 4, 4), 0)
    with pytest.raises(TypeError, match=rf"{name}: expected a floating-point input, got dtype int64"):
        fn(tg.zeros(1, 1, 4, 4, dtype="int64"), 2)
    with pytest.raises(ValueError, match="avg_pool2d: divisor_override must be a positive int"):
        tg.avg_pool2d(tg.zeros(1, 1, 4, 4), 2, divisor_override=0)


def test_max_pool2d_window_entirely_on_padding_gives_minus_inf_and_no_gradient():
    x = tg.ones(1, 1, 1, 1, requires_grad=True)
    out = tg.max_pool2d(x, (1, 2), stride=1, padding=(0, 1), dilation=(1, 2))
    out.sum().backward()
    assert out.tolist() == [[[[-np.inf]]]] and x.grad.tolist() == [[[[0.0]]]]
