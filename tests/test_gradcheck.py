"""gradcheck finds wrong backwards and says where: which input, which element, by how much."""

import pytest

import tinygrad_edu as tg
from tinygrad_edu.ops.base import Op
from tinygrad_edu.tensor import apply


class WrongSquare(Op):
    """x**2 whose backward forgets the 2 for the last element: the kind of bug a student writes."""

    __slots__ = ()
    name = "wrong_square"

    def forward(self, xp, x):
        return x * x

    def backward(self, xp, g, x, *, out):
        grad = 2 * x * g
        grad[..., -1] = x[..., -1] * g[..., -1]
        return (grad,)


def test_passes_correct_gradients_for_several_inputs_and_reports_them():
    x = tg.randn(3, 4, requires_grad=True)
    w = tg.randn(4, 2, requires_grad=True)
    result = tg.gradcheck(lambda a, b: (a @ b).tanh().softmax(-1), x, w)
    assert result and len(result.checks) == 2
    assert "input 0 (3, 4): ok" in str(result) and "input 1 (4, 2): ok" in str(result)


def test_reports_the_wrong_element_of_the_wrong_input():
    x = tg.randn(2, 3, requires_grad=True)
    good = tg.randn(2, 3, requires_grad=True)
    result = tg.gradcheck(lambda a, b: apply(WrongSquare(), a) + b * 3, x, good, raise_exception=False)
    assert not result
    bad, ok = result.checks
    assert not bad.passed and ok.passed
    assert bad.index[-1] == 2
    assert bad.analytic == pytest.approx(bad.numeric / 2, rel=1e-4)
    with pytest.raises(
        RuntimeError, match=r"input 0 \(2, 3\): MISMATCH, largest error .* at index \(\d, 2\)"
    ):
        tg.gradcheck(lambda a: apply(WrongSquare(), a), x)


def test_inputs_without_requires_grad_are_passed_through():
    x = tg.randn(3, requires_grad=True)
    idx = tg.tensor([0, 2, 2])
    assert tg.gradcheck(lambda a, i: a[i] * a.sum(), x, idx)
    with pytest.raises(ValueError, match="no input Tensor has requires_grad=True"):
        tg.gradcheck(lambda a: a * 2, tg.ones(2))


def test_checks_tuple_outputs_and_rejects_non_tensors():
    x = tg.randn(2, requires_grad=True)
    assert tg.gradcheck(lambda a: (a.exp(), a.sin()), x)
    with pytest.raises(TypeError, match="must return a Tensor"):
        tg.gradcheck(lambda a: 3.0, x)
