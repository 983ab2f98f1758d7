"""Passes: each is a pure Graph -> Graph function that keeps every result (a property test over random
graphs, each pass alone and all of them in a row) and shrinks what it targets."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_edu as tg
from tinygrad_edu.static import passes

C = tg.tensor(np.linspace(-1, 1, 12).reshape(3, 4).astype(np.float32))
W = tg.tensor(np.linspace(-0.5, 0.5, 16).reshape(4, 4).astype(np.float32))
STEPS = [
    lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a - b * 0.5, lambda a, b: a.relu(),
    lambda a, b: a.tanh(), lambda a, b: (a * 0.1).exp(), lambda a, b: a * 1 + 0,
    lambda a, b: a.T.T, lambda a, b: a.reshape(4, 3).reshape(3, 4), lambda a, b: a @ W,
    lambda a, b: a.sum(dim=1, keepdim=True) + b, lambda a, b: (a * b) + (a * b),
    lambda a, b: a + (C * 2 + 1), lambda a, b: a.sigmoid() - b.clamp(-0.5, 0.5),
    lambda a, b: tg.where(a > b, a, b), lambda a, b: a.softmax(dim=1),
]
programs = st.lists(st.tuples(st.integers(0, len(STEPS) - 1), st.integers(0, 30), st.integers(0, 30)),
                    min_size=1, max_size=12)


def build(program):
    def f(x, y):
        pool = [x, y]
        for step, i, j in program:
            pool.append(STEPS[step](pool[i % len(pool)], pool[j % len(pool)]))
        unused = pool[-1].exp()            # dead code
        del unused
        return pool[-1], pool[len(pool) // 2]
    return f


def inputs(seed):
    rng = np.random.default_rng(seed)
    return [tg.tensor(rng.standard_normal((3, 4)).astype(np.float32)) for _ in range(2)]


ALL = [passes.constant_folding, passes.simplify, passes.cse, passes.dce, passes.fusion, passes.memory_plan]


@given(programs, st.integers(0, 2**16))
def test_every_pass_keeps_results_on_random_graphs(program, seed):
    g = tg.trace(build(program), *inputs(0))
    x, y = inputs(seed)
    expected = [o.numpy() for o in g(x, y)]
    for p in ALL:
        for got, want in zip(p(g)(x, y), expected):
            np.testing.assert_allclose(got.numpy(), want, rtol=1e-5, atol=1e-6, err_msg=p.__name__)
    optimized, _ = g.optimize()
    for got, want in zip(optimized(x, y), expected):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-5, atol=1e-6)
    for got, want in zip(optimized(x, y, parallel=True), expected):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-5, atol=1e-6)


def ops_of(g):
    return [n.op for n in g.nodes]


def test_constant_folding_folds_constant_subgraphs():
    g = tg.trace(lambda x: x * (C * 2 + 1).sum(), tg.ones(3, 4))
    folded = passes.constant_folding(g)
    assert ops_of(g) == ["Mul", "Add", "Sum", "Mul"] and ops_of(folded) == ["Mul"]


def test_constant_folding_leaves_big_broadcasts_alone():
    g = tg.trace(lambda x: x + tg.tensor(1.0).expand(512, 512), tg.zeros(512, 512))
    assert ops_of(passes.constant_folding(g)) == ["Expand", "Add"]


def test_simplify_removes_identities_and_double_shape_ops():
    g = tg.trace(lambda x: (x * 1 + 0).T.T.reshape(4, 3).reshape(2, 6) / 1, C)
    simple = passes.dce(passes.simplify(g))
    assert len(g.nodes) == 7 and ops_of(simple) == ["Reshape"]
    assert simple.nodes[0].inputs == ("x",)


def test_simplify_turns_a_transposed_product_around():
    a, b = tg.randn(5, 3), tg.randn(5, 4)
    g = tg.trace(lambda a, b: (a.T @ b).T, a, b)
    simple = passes.dce(passes.simplify(g))
    assert ops_of(g) == ["Permute", "MatMul", "Permute"] and ops_of(simple) == ["Permute", "MatMul"]
    assert simple.nodes[-1].inputs[1] == "a"               # b.T @ a: a's transposes cancelled
    np.testing.assert_allclose(simple(a, b).numpy(), g(a, b).numpy(), rtol=1e-6)


def test_simplify_keeps_broadcasting_identities():
    g = tg.trace(lambda x: x * tg.ones(2, 3, 4), C)      # x * 1 broadcast to a bigger shape is not x
    assert len(passes.dce(passes.simplify(g)).nodes) == 1


def test_cse_merges_repeated_expressions_and_constants():
    g = tg.trace(lambda x: (x * 0.5).exp() + (x * 0.5).exp(), C)
    merged = passes.dce(passes.cse(g))
    assert len(g.nodes) == 5 and ops_of(merged) == ["Mul", "Exp", "Add"]
    assert len(merged.constants) == 1


def test_dce_drops_what_no_output_needs():
    def f(x):
        (x * 3).exp()                     # computed and thrown away
        return x.relu()
    g = tg.trace(f, C)
    assert ops_of(g) == ["Mul", "Exp", "Relu"] and ops_of(passes.dce(g)) == ["Relu"]
    assert not passes.dce(g).constants


def test_fusion_makes_one_node_per_elementwise_chain():
    tg.manual_seed(0)
    w, b = tg.randn(4, 8), tg.randn(8)
    g = tg.trace(lambda x: ((x @ w + b).relu() * 2 - 1).tanh(), C)
    fused = passes.fusion(g)
    assert ops_of(fused) == ["MatMul", "FusedElementwise"]
    assert str(fused).count("fused[add, relu, mul, sub, tanh]") == 1


def test_fusion_stops_where_a_value_is_used_twice_or_the_shape_changes():
    g = tg.trace(lambda x: (x.exp() + x.exp().sum()) * x.relu(), C)
    fused = passes.fusion(passes.cse(g))
    assert ops_of(fused).count("Sum") == 1 and len(fused.nodes) == 3


def test_memory_plan_reuses_buffers_and_lowers_the_peak():
    tg.manual_seed(0)
    ws = [tg.randn(64, 64) for _ in range(6)]

    def deep(x):
        for w in ws:
            x = (x @ w).tanh()
        return x

    g = passes.fusion(tg.trace(deep, tg.randn(64, 64)))
    planned = passes.memory_plan(g)
    buffers = [v for v in planned.buffers.values() if isinstance(v, int)]
    assert len(buffers) == 11 and len(set(buffers)) == 2      # 11 values, 2 buffers in turn
    assert passes.peak_bytes(planned) <= 0.35 * passes.peak_bytes(planned, planned=False)


def test_memory_plan_updates_state_in_place():
    w = tg.tensor(np.ones((3, 4), np.float32), requires_grad=True)
    opt = tg.optim.SGD([w], lr=0.5)

    def step(x):
        opt.zero_grad()
        loss = (x * w).sum()
        loss.backward()
        opt.step()
        return loss

    g, _ = tg.trace(step, C).optimize()
    assert g.buffers[g.updates["w"]] == "w"
    array = w.array
    g(C)
    assert w.array is array
    np.testing.assert_allclose(w.numpy(), 1 - 0.5 * C.numpy())


def test_optimize_reports_each_pass():
    model = tg.nn.Sequential(tg.nn.Linear(4, 8), tg.nn.ReLU(), tg.nn.Linear(8, 3))
    g, report = tg.trace(model, tg.randn(5, 4)).optimize()
    assert [r[0] for r in report.rows] == [p.__name__ for p in passes.DEFAULT]
    assert report.rows[-2][1:] == (7, 6)          # fusion: add + relu in one node
    assert "planned" in str(report) and report.peak_planned <= report.peak_unplanned


@pytest.mark.parametrize("name", ["constant_folding", "simplify", "cse", "dce", "fusion", "memory_plan"])
def test_each_pass_documents_itself_with_an_example(name):
    doc = getattr(passes, name).__module__
    import importlib
    text = importlib.import_module(doc).__doc__
    assert "Before" in text and "After" in text
