"""The scalar engine: values, gradients (vs float64 central differences and PyTorch), semantics, errors."""
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinygrad_edu import Value

torch = pytest.importorskip("torch")


def central_difference(f, xs, h=1e-6):
    """∂f/∂x_i by (f(x+h) - f(x-h)) / 2h, in float64."""
    grads = []
    for i in range(len(xs)):
        up = list(xs)
        down = list(xs)
        up[i] += h
        down[i] -= h
        grads.append((f(*up) - f(*down)) / (2 * h))
    return grads


def test_chain_rule_on_the_classic_example():
    x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    a = x + y
    f = a * z
    f.backward()
    assert (a.data, f.data) == (3.0, -12.0)
    assert (f.grad, a.grad, z.grad, x.grad, y.grad) == (1.0, -4.0, 3.0, -4.0, -4.0)
    assert a._local == (1.0, 1.0) and f._local == (-4.0, 3.0)


def test_reused_value_accumulates_gradients_from_each_use():
    x = Value(3.0)
    y = x * x + x          # dy/dx = 2x + 1
    y.backward()
    assert x.grad == 7.0


def test_backward_twice_adds_the_same_gradients_again():
    x, y = Value(2.0), Value(-1.5)
    f = (x * y).tanh() + x
    f.backward()
    first = (x.grad, y.grad)
    f.backward()
    assert (x.grad, y.grad) == pytest.approx((2 * first[0], 2 * first[1]))
    f.zero_grad()
    assert (x.grad, y.grad, f.grad) == (0.0, 0.0, 0.0)


def test_a_million_node_chain_backpropagates():
    x = Value(1.0)
    h = x
    for _ in range(250_000):           # 4 nodes per step: 1,000,000 nodes
        h = h * 1.0000001 + 0.0
    h.backward()
    assert x.grad == pytest.approx(1.0000001 ** 250_000, rel=1e-9)


@pytest.mark.parametrize("big", [1e3, -1e3, 1e308, -1e308])
def test_tanh_and_sigmoid_do_not_overflow(big):
    x = Value(big)
    t, s = x.tanh(), x.sigmoid()
    (t + s).backward()
    assert t.data == math.copysign(1.0, big)
    assert s.data == (1.0 if big > 0 else 0.0)
    assert x.grad == 0.0


UNARY = {
    "relu": (lambda v: v.relu(), torch.relu),
    "tanh": (lambda v: v.tanh(), torch.tanh),
    "sigmoid": (lambda v: v.sigmoid(), torch.sigmoid),
    "exp": (lambda v: v.exp(), torch.exp),
    "sin": (lambda v: v.sin(), torch.sin),
    "cos": (lambda v: v.cos(), torch.cos),
    "neg": (lambda v: -v, torch.neg),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@given(a=st.floats(-5, 5).filter(lambda a: abs(a) > 1e-3))
def test_unary_ops_match_torch_and_central_differences(name, a):
    ours, theirs = UNARY[name]
    x = Value(a)
    y = ours(x)
    y.backward()
    t = torch.tensor(a, dtype=torch.float64, requires_grad=True)
    theirs(t).backward()
    assert y.data == pytest.approx(float(theirs(t.detach())), rel=1e-12, abs=1e-12)
    assert x.grad == pytest.approx(float(t.grad), rel=1e-12, abs=1e-12)
    (numeric,) = central_difference(lambda v: ours(Value(v)).data, [a])
    assert x.grad == pytest.approx(numeric, rel=1e-5, abs=1e-6)


@given(a=st.floats(0.1, 5), b=st.floats(-3, 3))
def test_binary_ops_and_value_exponent_match_torch(a, b):
    def ours(p, q):
        x, y = Value(p), Value(q)
        return x * y + x / (y + 10.0) - y ** 2 + x ** y + (x + 1).log() - 3 / (x + 1)

    x, y = Value(a), Value(b)
    out = x * y + x / (y + 10.0) - y ** 2 + x ** y + (x + 1).log() - 3 / (x + 1)
    out.backward()
    tx = torch.tensor(a, dtype=torch.float64, requires_grad=True)
    ty = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    tout = tx * ty + tx / (ty + 10.0) - ty ** 2 + tx ** ty + (tx + 1).log() - 3 / (tx + 1)
    tout.backward()
    assert out.data == pytest.approx(tout.item(), rel=1e-12)
    assert (x.grad, y.grad) == pytest.approx((tx.grad.item(), ty.grad.item()), rel=1e-10, abs=1e-12)
    numeric = central_difference(lambda p, q: ours(p, q).data, [a, b])
    assert (x.grad, y.grad) == pytest.approx(numeric, rel=1e-5, abs=1e-5)


def test_power_rule_edge_cases_follow_torch():
    for base, exponent in [(0.0, 0.5), (0.0, 2.0), (0.0, 0.0), (2.0, 0.0)]:
        x = Value(base)
        (x ** exponent).backward()
        t = torch.tensor(base, dtype=torch.float64, requires_grad=True)
        (t ** exponent).backward()
        assert x.grad == t.grad.item()


@pytest.mark.parametrize("make, message", [
    (lambda: Value("abc"), "expected a real number"),
    (lambda: Value(None), "expected a real number"),
    (lambda: Value(Value(1.0)), "got a Value"),
    (lambda: Value(1.0, label=3), "label must be a str"),
    (lambda: Value(1) ** "x", "exponent must be a real number or a Value"),
    (lambda: Value(1) + "x", r"Value \+: unsupported operand of type str"),
    (lambda: "x" * Value(1), r"Value \*: unsupported operand of type str"),
    (lambda: Value(1) / 0, "division of 1.0 by zero"),
    (lambda: Value(0.0).log(), "log is defined for positive numbers"),
    (lambda: Value(-8.0) ** 0.5, "no real result"),
    (lambda: Value(1000.0).exp(), "overflows"),
    (lambda: Value(0.0) ** -1, "divides by zero"),
])
def test_bad_input_gets_a_clear_error(make, message):
    with pytest.raises((TypeError, ValueError, ZeroDivisionError, OverflowError), match=message):
        make()


def test_topological_order_lists_inputs_in_argument_order_before_results():
    x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    f = (x + y) * z
    assert [v.label or v._op for v in f.topological_order()] == ["x", "y", "+", "z", "*"]


def test_repr_prints_like_micrograd_with_the_label_after():
    assert repr(Value(2.5)) == "Value(data=2.5, grad=0)"
    assert repr(Value(2.5, label="w")) == "Value(data=2.5, grad=0, label='w')"
    x = Value(0.1)
    (x * 3.0).backward()
    assert repr(x) == "Value(data=0.1, grad=3.0)"


def test_a_graph_is_freed_the_moment_it_is_unused():
    """No cycles: reference counting frees the nodes at once, with no collector run needed."""
    import gc
    import weakref

    gc.disable()
    try:
        x = Value(2.0, label="x")
        y = (x * 3.0 + 1.0).tanh()
        refs = [weakref.ref(v) for v in y.topological_order() if v is not x]
        assert len(refs) == 5
        del y
        assert all(r() is None for r in refs)
    finally:
        gc.enable()


def test_building_a_graph_sets_off_no_collection_and_leaves_the_collector_as_it_was():
    import gc

    collections = []

    def record(phase, info):
        if phase == "start":
            collections.append(info["generation"])

    gc.collect()                                 # start with an empty youngest generation
    h = Value(1.0)
    gc.callbacks.append(record)
    try:
        for _ in range(5_000):                   # 40,000 objects: dozens of collections otherwise
            h = (h * 1.0001 + 0.001).tanh()
        h.backward()                             # its iterators, too, are made with the collector paused
        during = len(collections)                # (read before any other allocation could set one off)
        assert during == 0 and gc.isenabled()
        gc.disable()
        h = h * 2.0
        assert not gc.isenabled()                # a collector the user turned off stays off
    finally:
        gc.enable()
        gc.callbacks.remove(record)
