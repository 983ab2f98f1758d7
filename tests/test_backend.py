"""Devices: the strict backend refuses implicit NumPy conversion, moves are explicit, mixing is an error,
and asking for CUDA without CuPy says how to install it."""

import importlib.util

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import backend


def test_strict_arrays_refuse_implicit_numpy_conversion():
    t = tg.tensor([1.0, 2.0], device="strict")
    with pytest.raises(TypeError, match="implicit conversion"):
        np.asarray(t.array)
    with pytest.raises(TypeError):
        np.exp(t.array)
    with pytest.raises(TypeError, match="NumPy array was mixed"):
        t.array + np.ones(2)
    with pytest.raises(TypeError, match="'strict' tensor to NumPy is not allowed"):
        np.asarray(t)
    np.testing.assert_array_equal(t.numpy(), [1.0, 2.0])


def test_moves_between_devices_are_explicit_and_keep_values():
    x = tg.randn(2, 3)
    s = x.to("strict")
    assert s.device == "strict" and x.device == "cpu"
    back = s.cpu()
    np.testing.assert_array_equal(back.numpy(), x.numpy())
    assert s.to("strict") is s and tg.tensor(x.numpy(), device="strict").device == "strict"


def test_a_moved_tensor_is_a_new_leaf_that_can_train():
    w = tg.tensor([1.0, 2.0], requires_grad=True).to("strict")
    (w * w).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [2.0, 4.0])
    assert w.grad.device == "strict"


def test_mixing_devices_names_both():
    with pytest.raises(
        RuntimeError, match="add: expected all tensors on one device, got tensors on cpu, strict"
    ):
        tg.ones(2) + tg.ones(2, device="strict")


def test_unknown_device_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown device 'tpu'"):
        tg.ones(2, device="tpu")


@pytest.mark.skipif(importlib.util.find_spec("cupy") is not None, reason="CuPy is installed here")
def test_cuda_without_cupy_says_how_to_install_it():
    with pytest.raises(RuntimeError, match=r"pip install tinygrad_edu\[gpu\]"):
        tg.ones(2, device="cuda")
    with pytest.raises(RuntimeError, match="CuPy"):
        tg.ones(2).cuda()


def test_xp_is_found_from_the_arrays():
    assert backend.xp_of(tg.ones(2).array) is np
    assert backend.xp_of(tg.ones(2, device="strict").array) is backend.xp_for("strict")
    with pytest.raises(TypeError, match="expected an array of a known device, got list"):
        backend.xp_of([1, 2])


def test_no_op_silently_converts_on_the_strict_device():
    x = tg.randn(3, 4, device="strict", requires_grad=True)
    w = tg.randn(4, 2, device="strict", requires_grad=True)
    loss = ((x @ w).relu().log_softmax(1)[[0, 1, 2], [1, 0, 1]].mean() + x.var() + x.std(0).sum()).neg()
    loss.backward()
    assert x.grad.device == "strict" and w.grad.device == "strict"
    assert "device='strict'" in repr(loss)


def test_gradients_flow_back_across_a_device_move():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    h = (x * 3).to("strict")
    assert h.device == "strict" and h._op.name == "to_device"
    (h * h).sum().backward()
    assert x.grad.device == "cpu"
    np.testing.assert_allclose(x.grad.numpy(), 18 * x.numpy())
    x2 = tg.tensor([1.0, 2.0], dtype=tg.float64, requires_grad=True)
    (g,) = tg.grad(((x2 * 1).to("strict") ** 3).sum(), x2, create_graph=True)
    assert g.device == "cpu"
    g.sum().backward()
    np.testing.assert_allclose(x2.grad.numpy(), 6 * x2.numpy())


def test_strict_device_catches_an_op_that_calls_numpy_directly():
    from tinygrad_edu.ops.base import Op
    from tinygrad_edu.tensor import apply

    class NumpyExp(Op):
        """A buggy op: it ignores `xp` and calls NumPy, which would break on CuPy arrays."""

        __slots__ = ()
        name = "numpy_exp"

        def forward(self, xp, x):
            return np.exp(x)

        def backward(self, xp, g, x, *, out):
            return (g * out,)

    np.testing.assert_allclose(apply(NumpyExp(), tg.zeros(2)).numpy(), [1.0, 1.0])
    with pytest.raises(TypeError):
        apply(NumpyExp(), tg.zeros(2, device="strict"))
