"""Tensor basics: creation, dtypes and promotion (checked against PyTorch), conversion, printing, errors."""

import numpy as np
import pytest

import tinygrad_edu as tg

torch = pytest.importorskip("torch")  # the oracle; installed by the dev extra (make test)


def test_creation_from_lists_scalars_and_numpy_follows_torch_dtypes():
    assert tg.tensor([1, 2]).dtype == tg.int64
    assert tg.tensor([1.0, 2.0]).dtype == tg.float32
    assert tg.tensor(3.5).dtype == tg.float32 and tg.tensor(3.5).shape == ()
    assert tg.tensor([True, False]).dtype == tg.bool_
    assert tg.tensor(np.zeros(2, np.float64)).dtype == tg.float64
    assert tg.tensor([1, 2], dtype=tg.float64).dtype == tg.float64
    assert tg.Tensor([[1.0]], dtype="float64").dtype == tg.float64


def test_tensor_copies_but_from_numpy_shares():
    a = np.ones(3, np.float32)
    t, shared = tg.tensor(a), tg.from_numpy(a)
    a[0] = 5
    assert t.numpy()[0] == 1 and shared.numpy()[0] == 5


def test_creation_functions(device):
    assert tg.zeros(2, 3, device=device).shape == (2, 3)
    assert tg.ones((2, 3)).numpy().sum() == 6
    assert tg.full((2,), 7).dtype == tg.int64 and tg.full((2,), 0.5).dtype == tg.float32
    np.testing.assert_array_equal(tg.arange(5).numpy(), np.arange(5))
    assert tg.arange(0, 1, 0.25).dtype == tg.float32 and tg.arange(0, 1, 0.25).shape == (4,)
    np.testing.assert_allclose(tg.linspace(0, 1, 5).numpy(), np.linspace(0, 1, 5))
    np.testing.assert_array_equal(tg.eye(3, device=device).numpy(), np.eye(3))
    x = tg.randn(4, 5, device=device)
    for like in (tg.zeros_like, tg.ones_like, tg.rand_like, tg.randn_like):
        y = like(x)
        assert y.shape == x.shape and y.dtype == x.dtype and y.device == device
    assert tg.full_like(x, 2.0).numpy().max() == 2.0
    assert tg.ones(2, requires_grad=True).requires_grad


def test_manual_seed_makes_random_tensors_reproducible():
    tg.manual_seed(3)
    a = tg.randn(3).numpy()
    tg.manual_seed(3)
    b = tg.randn(3).numpy()
    np.testing.assert_array_equal(a, b)
    assert 0 <= tg.rand(100).numpy().min() and tg.rand(100).numpy().max() < 1
    assert tg.randint(0, 4, (50,)).numpy().max() < 4


@pytest.mark.parametrize(
    "left, right",
    [
        ("float32", "float64"),
        ("int64", "float32"),
        ("int32", "int64"),
        ("bool", "int64"),
        ("bool", "float32"),
        ("int32", "float64"),
    ],
)
def test_promotion_between_tensors_matches_torch(left, right):
    a, b = np.ones(2, left), np.ones(2, right)
    ours = (tg.tensor(a) + tg.tensor(b)).dtype
    theirs = (torch.tensor(a) + torch.tensor(b)).dtype
    assert str(theirs) == f"torch.{ours}"


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64", "bool"])
@pytest.mark.parametrize("scalar", [2, 2.5, True])
def test_promotion_with_python_numbers_matches_torch(dtype, scalar):
    a = np.ones(2, dtype)
    ours = (tg.tensor(a) * scalar).dtype
    theirs = (torch.tensor(a) * scalar).dtype
    assert str(theirs) == f"torch.{ours}"


def test_zero_dim_tensor_does_not_widen_like_torch():
    assert (tg.ones(2) * tg.tensor(2.0, dtype=tg.float64)).dtype == tg.float32
    assert (tg.tensor([1, 2]) / 2).dtype == tg.float32
    assert (tg.tensor([1, 2]).float().exp()).dtype == tg.float32


def test_conversions():
    t = tg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    assert isinstance(t.numpy(), np.ndarray) and t.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert np.asarray(t).shape == (2, 2)
    assert t[1, 0].item() == 3.0 and float(t[0, 1]) == 2.0
    assert t.shape == (2, 2) and t.ndim == 2 and t.size() == (2, 2) and t.size(-1) == 2 and t.numel() == 4
    assert t.device == "cpu" and t.is_leaf and len(t) == 2
    with pytest.raises(ValueError, match=r"item\(\).*shape \(2, 2\)"):
        t.item()
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(t)


def test_repr_looks_like_pytorch():
    assert repr(tg.tensor([[1.0, 2.0]], requires_grad=True)) == "tensor([[1., 2.]], requires_grad=True)"
    assert repr(tg.tensor([1, 2])) == "tensor([1, 2])"
    assert repr(tg.tensor([0.5, 1.25])) == "tensor([0.5000, 1.2500])"
    assert repr(tg.tensor([1.0], dtype=tg.float64)) == "tensor([1.], dtype=float64)"
    assert repr(tg.tensor([0.5, -1.25, 3.0])) == "tensor([ 0.5000, -1.2500,  3.0000])"
    assert repr(tg.tensor([[1e-5, 2.0]])) == "tensor([[1.0000e-05, 2.0000e+00]])"
    x = tg.tensor([1.0], requires_grad=True)
    assert repr(x * 2) == "tensor([2.], grad_fn=<mul>)"


def test_casts_are_differentiable_and_int_casts_stop_gradients():
    x = tg.tensor([1.5, 2.5], requires_grad=True)
    (x.double() * 2).sum().backward()
    assert x.grad.dtype == tg.float32
    np.testing.assert_allclose(x.grad.numpy(), [2, 2])
    assert not x.long().requires_grad and x.to(tg.int32).dtype == tg.int32


def test_dim_and_axis_are_both_accepted():
    x = tg.ones(2, 3)
    assert (
        x.sum(axis=1).shape == (2,)
        and x.sum(dim=1).shape == (2,)
        and x.mean(axis=0, keepdims=True).shape == (1, 3)
    )
    with pytest.raises(TypeError, match="both dim=0 and axis=1"):
        x.sum(dim=0, axis=1)


def test_shape_errors_name_the_op_and_shapes():
    with pytest.raises(ValueError, match=r"matmul: \(3, 4\) @ \(5, 6\): inner dimensions 4 and 5 differ"):
        tg.ones(3, 4) @ tg.ones(5, 6)
    with pytest.raises(ValueError, match=r"add: shapes \(2, 3\) and \(4,\) don't broadcast"):
        tg.ones(2, 3) + tg.ones(4)
    with pytest.raises(ValueError, match=r"reshape: cannot reshape \(2, 3\) \(6 elements\) into \(4,\)"):
        tg.ones(2, 3).reshape(4)
    with pytest.raises(IndexError, match="sum: dim 2 is out of range for a tensor with 2 dimensions"):
        tg.ones(2, 3).sum(2)
    with pytest.raises(
        ValueError, match=r"cat: shapes must match except along dim 0, got \(2, 3\), \(2, 4\)"
    ):
        tg.cat([tg.ones(2, 3), tg.ones(2, 4)])
    with pytest.raises(ValueError, match=r"expand: shape \(3,\) cannot be broadcast to \(2, 4\)"):
        tg.ones(3).expand(2, 4)
    with pytest.raises(ValueError, match=r"split: section sizes \[1, 1\] add up to 2, but dim 0 has size 3"):
        tg.ones(3).split([1, 1])


def test_dtype_errors_name_the_dtypes():
    with pytest.raises(TypeError, match="mean: expected a floating point tensor, got dtype int64"):
        tg.tensor([1, 2]).mean()
    with pytest.raises(TypeError, match="where: condition must be a bool tensor, got dtype float32"):
        tg.where(tg.ones(2), tg.ones(2), tg.zeros(2))
    with pytest.raises(IndexError, match="index tensors must be integer or bool, got dtype float32"):
        tg.ones(3)[tg.ones(2)]
    with pytest.raises(TypeError, match="Tensor: cannot make a tensor from str"):
        tg.tensor("abc")
    with pytest.raises(TypeError, match="expected a dtype"):
        tg.ones(2, dtype="not-a-dtype")


def test_where_maximum_minimum_accept_numbers():
    x = tg.tensor([-1.0, 2.0], requires_grad=True)
    y = tg.where(x > 0, x, 0.0) + x.masked_fill(x > 0, 5.0) + tg.maximum(x, tg.tensor(0.0)) + x.clamp(max=1.0)
    y.sum().backward()
    np.testing.assert_allclose(y.numpy(), [-1 + 0 - 1 + 0, 2 + 5 + 2 + 1])
    np.testing.assert_allclose(x.grad.numpy(), [0 + 1 + 0 + 1, 1 + 0 + 1 + 0])


def test_max_with_dim_returns_values_and_indices():
    x = tg.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
    values, indices = x.max(dim=1)
    np.testing.assert_array_equal(values.numpy(), [5, 7])
    np.testing.assert_array_equal(x.min(1).indices.numpy(), [0, 1])
    assert x.max().item() == 7 and x.argmax().item() == 3


def test_setitem_updates_data_but_not_while_recording(device):
    x = tg.zeros(2, 3, device=device)
    x[0, 1:] = 5.0
    x[x > 4] = x[x > 4] * 2
    x[[1, 1], [0, 2]] = tg.tensor([1.0, 2.0], device=device)
    np.testing.assert_array_equal(x.numpy(), [[0, 10, 10], [1, 0, 2]])
    w = tg.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="setitem: in-place update of a leaf tensor that requires grad"):
        w[0] = 3.0
    with tg.no_grad():
        w[0] = 3.0
    assert w.tolist() == [3.0, 1.0]


def test_function_forms_match_methods_like_torch():
    x = tg.tensor([[1.0, -2.0], [3.0, 4.0]], requires_grad=True)
    np.testing.assert_array_equal(tg.sum(x, dim=1).numpy(), x.sum(1).numpy())
    np.testing.assert_array_equal(tg.max(x, 1).indices.numpy(), [0, 1])
    np.testing.assert_allclose(
        tg.softmax(x, dim=-1).numpy(), torch.softmax(torch.tensor(x.numpy()), -1).numpy(), rtol=1e-6
    )
    assert tg.relu(x)._op.name == "relu" and tg.abs([-1.0, 2.0]).tolist() == [1.0, 2.0]
    tg.exp(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.exp(x.numpy()), rtol=1e-6)
