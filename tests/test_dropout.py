"""dropout: seeded masks, inverted scaling, gradient through the kept units only, eval mode, errors."""
import numpy as np
import pytest

import tinygrad_edu as tg


def test_dropout_keeps_about_1_minus_p_and_scales_them(device):
    tg.manual_seed(0)
    x = tg.Tensor(np.ones((200, 100)), device=device, requires_grad=True)
    out = tg.dropout(x, p=0.3)
    values = out.numpy()
    kept = values != 0
    assert abs(kept.mean() - 0.7) < 0.02
    np.testing.assert_allclose(values[kept], 1 / 0.7, rtol=1e-6)
    out.backward(tg.Tensor(np.full((200, 100), 2.0, dtype=np.float32), device=device))
    np.testing.assert_allclose(x.grad.numpy(), np.where(kept, 2 / 0.7, 0.0), rtol=1e-6)


def test_dropout_mask_follows_the_global_seed():
    x = tg.ones(50)
    tg.manual_seed(123)
    first = tg.dropout(x).numpy()
    tg.manual_seed(123)
    np.testing.assert_array_equal(tg.dropout(x).numpy(), first)
    assert not np.array_equal(tg.dropout(x).numpy(), first)


def test_dropout_is_a_pure_op_with_the_mask_as_input():
    x = tg.randn(4, 5, requires_grad=True)
    out = tg.dropout(x, p=0.5)
    assert out._op.name == "dropout" and out._op.attrs == {"p": 0.5}
    source, mask = out._parents
    assert source is x and mask.name == "dropout mask" and not mask.requires_grad
    rerun = type(out._op)(**out._op.attrs).forward(np, x.array, mask.array)
    np.testing.assert_array_equal(rerun, out.array)


def test_dropout_edge_probabilities_and_eval_mode():
    x = tg.randn(3, 4, requires_grad=True)
    assert tg.dropout(x, p=0.5, training=False) is x
    np.testing.assert_array_equal(tg.dropout(x, p=0.0).numpy(), x.numpy())
    everything = tg.dropout(x, p=1.0)
    everything.sum().backward()
    assert not everything.numpy().any() and not x.grad.numpy().any()
    assert tg.dropout(tg.ones(3, dtype="float64"), p=0.2).dtype == tg.float64


def test_dropout_errors():
    with pytest.raises(ValueError, match="dropout: p must be a probability between 0 and 1, got 1.5"):
        tg.dropout(tg.ones(3), p=1.5)
    with pytest.raises(TypeError, match="dropout: expected a floating-point input, got dtype int64"):
        tg.dropout(tg.ones(3, dtype="int64"))
    with pytest.raises(TypeError, match="dropout: expected input to be a Tensor, got list"):
        tg.dropout([1.0, 2.0])
