"""`axis=` is accepted wherever `dim=` is, including where `dim` has a default (NumPy users' habit)."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn

X = np.arange(24, dtype=np.float32).reshape(2, 3, 4)


@pytest.mark.parametrize("call, reference", [
    (lambda t: tg.cat([t, t], axis=-1), lambda a: np.concatenate([a, a], axis=-1)),
    (lambda t: tg.stack([t, t], axis=1), lambda a: np.stack([a, a], axis=1)),
    (lambda t: t.softmax(axis=0), lambda a: np.exp(a) / np.exp(a).sum(0)),
    (lambda t: t.log_softmax(axis=1), lambda a: np.log(np.exp(a) / np.exp(a).sum(1, keepdims=True))),
    (lambda t: tg.split(t, 2, axis=2)[1], lambda a: a[:, :, 2:]),
    (lambda t: t.chunk(3, axis=1)[2], lambda a: a[:, 2:3]),
    (lambda t: nn.functional.softmax(t, axis=0), lambda a: np.exp(a) / np.exp(a).sum(0)),
    (lambda t: nn.Softmax(axis=1)(t), lambda a: np.exp(a) / np.exp(a).sum(1, keepdims=True)),
])
def test_axis_keyword_where_dim_has_a_default(call, reference):
    x = X.astype(np.float64) / 10
    np.testing.assert_allclose(call(tg.tensor(x)).numpy(), reference(x), rtol=1e-12)


def test_defaults_still_apply_and_conflicts_are_named():
    t = tg.tensor(X)
    assert tg.cat([t, t]).shape == (4, 3, 4)
    assert t.softmax().shape == (2, 3, 4)
    np.testing.assert_allclose(t.softmax().sum(axis=-1).numpy(), 1, rtol=1e-6)
    with pytest.raises(TypeError, match="cat: got both dim=0 and axis=1"):
        tg.cat([t, t], 0, axis=1)
