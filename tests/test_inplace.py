"""In-place methods change the shared array (so `p.data.add_()` changes p), follow PyTorch's leaf rule,
refuse what would need an in-place graph node (tinygrad_edu keeps no version counters), and report
shape and dtype problems as PyTorch does (RuntimeError) and as NumPy users expect (ValueError/TypeError)."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.errors import DTypeError, ShapeError

torch = pytest.importorskip("torch")


def test_data_shares_memory_so_updates_through_it_change_the_parameter(device):
    p = tg.ones(3, requires_grad=True, device=device)
    (p * tg.tensor([1.0, 2.0, 3.0], device=device)).sum().backward()
    p.data.add_(p.grad, alpha=-0.5)
    p.data.mul_(2).sub_(1)
    assert p.tolist() == [0.0, -1.0, -2.0] and p.is_leaf and p.requires_grad
    w = tg.zeros(2, 2, device=device)
    w.data.normal_(generator=tg.Generator().manual_seed(0))
    again = tg.zeros(2, 2, device=device).normal_(generator=tg.Generator().manual_seed(0))
    assert w.tolist() == again.tolist() and w.numpy().std() > 0
    w.data.uniform_(-0.1, 0.1)
    assert np.abs(w.numpy()).max() <= 0.1
    w.zero_()
    assert w.tolist() == [[0.0, 0.0], [0.0, 0.0]]
    w.fill_(tg.tensor(2.5)).clamp_(max=1.0)
    assert w.tolist() == [[1.0, 1.0], [1.0, 1.0]]


def test_in_place_methods_match_pytorch(device):
    x = np.array([[0.5, -1.5, 2.0], [3.0, -0.25, 1.0]])
    y = np.array([2.0, -1.0, 4.0])
    mask = x > 0.9
    steps = [
        lambda t, lib: t.add_(lib.tensor(y), alpha=3), lambda t, lib: t.sub_(1.5),
        lambda t, lib: t.mul_(lib.tensor(y)), lambda t, lib: t.div_(lib.tensor(y), rounding_mode="floor"),
        lambda t, lib: t.pow_(2), lambda t, lib: t.masked_fill_(lib.tensor(mask), -7.0),
        lambda t, lib: t.clamp_(-3.0, 5.0), lambda t, lib: t.neg_(), lambda t, lib: t.abs_().sqrt_(),
        lambda t, lib: t.exp_().log_(), lambda t, lib: t.lerp_(lib.tensor(y), 0.25),
        lambda t, lib: t.copy_(lib.tensor(y)), lambda t, lib: t.tanh_().sigmoid_().relu_(),
    ]
    ours, theirs = tg.tensor(x, device=device), torch.tensor(x)
    for step in steps:
        ours_same = step(ours, _On(device))
        step(theirs, torch)
        assert ours_same is ours
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)


class _On:
    """`lib.tensor` for the steps above, on the device under test."""

    def __init__(self, device):
        self.device = device

    def tensor(self, value):
        return tg.tensor(value, device=self.device)


def test_leaf_rule_and_no_in_place_graph_nodes(device):
    w = tg.ones(3, requires_grad=True, device=device)
    for change in (lambda: w.add_(1), lambda: w.zero_(), lambda: w.copy_(tg.zeros(3, device=device)),
                   lambda: w.normal_(), lambda: w.__setitem__(0, 2.0)):
        with pytest.raises(RuntimeError, match="leaf tensor that requires grad.*no_grad"):
            change()
    with tg.no_grad():
        w.add_(1)
        w[0] = 5.0
    assert w.tolist() == [5.0, 2.0, 2.0]
    h = w * 2
    with pytest.raises(RuntimeError, match="records no in-place ops.*version counters"):
        h.add_(1)
    buffer = tg.zeros(3, device=device)
    with pytest.raises(RuntimeError, match="records no in-place ops"):
        buffer.add_(w)
    with pytest.raises(RuntimeError, match="records no in-place ops"):
        buffer[0] = w[0]


def test_operators_on_recorded_tensors_rebind_out_of_place_like_a_resnet_block(device):
    x = tg.tensor([1.0, -2.0, 3.0], requires_grad=True, device=device)
    tx = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    for lib, inp in ((tg, x), (torch, tx)):
        out = inp * 3
        identity = inp.exp()
        before = out
        out += identity
        out *= 2
        out = lib.nn.functional.relu(out, inplace=True)
        out.sum().backward()
        if lib is tg:
            assert before is not out and before.tolist() == [3.0, -6.0, 9.0]  # the graph's value is kept
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-6)


def test_inplace_activation_writes_where_nothing_is_recorded(device):
    x = tg.tensor([-1.0, 2.0], device=device)
    out = tg.nn.ReLU(inplace=True)(x)
    assert out is x and x.tolist() == [0.0, 2.0]
    assert repr(tg.nn.ReLU(inplace=True)) == repr(torch.nn.ReLU(inplace=True))


def test_shape_and_dtype_errors_are_both_kinds_pytorch_and_numpy_users_catch(device):
    a = tg.ones(3, device=device)
    with pytest.raises(ShapeError, match=r"add_: the result has shape \(2, 3\).*this tensor's shape \(3,\)"):
        a.add_(tg.ones(2, 3, device=device))
    with pytest.raises(RuntimeError, match=r"mul_: shapes \(3,\) and \(4,\) don't broadcast"):
        a.mul_(tg.ones(4, device=device))
    with pytest.raises(ValueError, match=r"\+=: shapes \(3,\) and \(2,\) don't broadcast"):
        a += tg.ones(2, device=device)
    with pytest.raises(ShapeError, match=r"copy_: a source of shape \(4,\) does not broadcast"):
        a.copy_(tg.ones(4, device=device))
    ints = tg.tensor([1, 2], device=device)
    for bad in (lambda: ints.add_(1.5), lambda: ints.div_(2)):
        with pytest.raises(DTypeError, match="result type float32 can't be cast to this tensor's dtype"):
            bad()
    with pytest.raises(TypeError, match="normal_: expected a floating point tensor"):
        ints.normal_()
    ints.add_(2).copy_(tg.tensor([7.9, -1.2], device=device))  # copy_ casts, as PyTorch's does
    assert ints.tolist() == [7, -1]
    expanded = tg.ones(1, 3, device=device).expand(2, 3)
    with pytest.raises(RuntimeError, match="cannot write into this tensor.*clone"):
        expanded.add_(1)


def test_copy_between_devices_and_old_style_add(device):
    target = tg.zeros(2, 2, device=device)
    target.copy_(tg.tensor([1.0, 2.0]))  # from the host, broadcast over the rows
    assert target.tolist() == [[1.0, 2.0], [1.0, 2.0]] and target.device == device
    target.add_(-0.5, tg.ones(2, 2, device=device))  # add_(alpha, other), as older tutorials write it
    assert target.tolist() == [[0.5, 1.5], [0.5, 1.5]]
