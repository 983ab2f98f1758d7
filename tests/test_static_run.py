"""The executor and the fused kernels: serial and parallel runs agree on every device, parallel runs
report which nodes overlapped, planned runs allocate less, and the fused NumPy / CUDA code computes
exactly what the unfused ops do."""
import tracemalloc

import numpy as np
import pytest
from static_models import batch, classify_step, mlp

import tinygrad_edu as tg
from tinygrad_edu import backend
from tinygrad_edu.static import concurrency, passes
from tinygrad_edu.static.fused import FUSIBLE, FusedElementwise, cuda_source
from tinygrad_edu.static.registry import build


def test_runs_on_every_device(device):
    model, x = mlp()
    g, _ = tg.trace(model, x).optimize()
    expected = model(x).numpy()
    on_device = g.to(device)
    got = on_device(x.to(device))
    assert got.device == device
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(on_device(x.to(device), parallel=True).numpy(), expected, rtol=1e-6, atol=1e-6)


def test_state_must_live_where_the_inputs_are():
    model, x = mlp()
    g = tg.trace(model, x)
    with pytest.raises(RuntimeError, match=r"state '0.weight' lives on cpu, the inputs on strict; .*g.to"):
        g(x.to("strict"))


def test_parallel_runs_independent_branches_at_the_same_time():
    rng = np.random.default_rng(0)
    a, b, c, d = (tg.tensor(rng.standard_normal((500, 500)).astype(np.float32)) for _ in range(4))
    g = tg.trace(lambda a, b, c, d: ((a @ b).tanh() @ b).sum() + ((c @ d).tanh() @ d).sum(), a, b, c, d)
    timeline = []
    out = g.run(a, b, c, d, parallel=True, timeline=timeline)
    np.testing.assert_allclose(out.numpy(), g(a, b, c, d).numpy(), rtol=1e-5)
    overlapping = {frozenset(p) for p in concurrency(timeline)}
    assert frozenset({"h1", "h5"}) in overlapping or frozenset({"h2", "h5"}) in overlapping \
        or frozenset({"h1", "h6"}) in overlapping
    assert len(timeline) == len(g.nodes) and len({t[1] for t in timeline}) == 2


def test_parallel_respects_reused_buffers():
    tg.manual_seed(0)
    ws = [tg.randn(32, 32) for _ in range(8)]

    def f(x):
        outs = []
        for w in ws:
            x = (x @ w).tanh()
            outs.append(x.sum())
        return tg.stack(outs)

    g, _ = tg.trace(f, tg.randn(32, 32)).optimize()
    assert len(set(v for v in g.buffers.values() if isinstance(v, int))) < len(g.buffers)
    x = tg.randn(32, 32)
    for _ in range(5):
        np.testing.assert_allclose(g(x, parallel=True).numpy(), g(x).numpy(), rtol=1e-6)


def measured_peak(g, x) -> int:
    g(x)                                   # first run makes the plan's buffers
    tracemalloc.start()
    g(x)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_planned_runs_allocate_less():
    tg.manual_seed(0)
    ws = [tg.randn(256, 256) for _ in range(6)]

    def deep(x):
        for w in ws:
            x = (x @ w * 0.1).tanh()
        return x.sum()

    x = tg.randn(256, 256)
    fused = passes.fusion(tg.trace(deep, x))
    planned = passes.memory_plan(fused)
    assert measured_peak(planned, x) < 0.3 * measured_peak(fused, x)


def test_generated_code_reads_like_the_graph():
    model, x = mlp()
    g, _ = tg.trace(model, x).optimize()
    source = g.plan().source
    assert source.startswith("def run(xp, state, v0, v1, v2, v3, v4):")
    calls = [line for line in source.splitlines() if " = op" in line or " = into" in line]
    assert len(calls) == len(g.nodes) and "del v" in source and source.rstrip().endswith("return (v10, ), ()")


STEP_CASES = {
    "Add": ({}, 2), "Sub": ({}, 2), "Mul": ({}, 2), "Div": ({}, 2), "Neg": ({}, 1), "Exp": ({}, 1),
    "Log": ({}, 1), "Sqrt": ({}, 1), "Abs": ({}, 1), "Sin": ({}, 1), "Cos": ({}, 1), "Tanh": ({}, 1),
    "Maximum": ({}, 2), "Minimum": ({}, 2), "Relu": ({}, 1), "Sigmoid": ({}, 1),
    "PowScalar": ({"exponent": 2}, 1), "RPowScalar": ({"base": 2.0}, 1),
    "Clamp": ({"min": -0.5, "max": 0.5}, 1), "LeakyRelu": ({"negative_slope": 0.1}, 1),
    "Compare": ({"kind": "gt"}, 2), "Cast": ({"dtype": "float64"}, 1), "Where": ({}, 3),
    "Dropout": ({"p": 0.25}, 2), "LogicalNot": ({}, 1),
}


def test_step_cases_cover_every_fusible_op():
    assert set(STEP_CASES) == FUSIBLE


@pytest.mark.parametrize("op", sorted(STEP_CASES))
def test_fused_step_equals_the_op(op, device):
    attrs, arity = STEP_CASES[op]
    rng = np.random.default_rng(0)
    host = [np.abs(rng.standard_normal((3, 4))).astype(np.float32) + 0.1 for _ in range(arity)]
    if op == "Where":
        host[0] = host[0] > 0.8
    if op == "LogicalNot":
        host[0] = host[0] > 0.8
    arrays = [tg.tensor(h).to(device).array for h in host]
    xp = backend.xp_for(device)
    want = backend.to_host(build(op, attrs).forward(xp, *arrays))
    fused = FusedElementwise(inputs=arity, program=[[op, attrs, list(range(arity))]],
                             dtypes=[str(want.dtype)], shape=list(want.shape))
    np.testing.assert_array_equal(backend.to_host(fused.forward(xp, *arrays)), want)


def test_fused_chain_reuses_scratch_and_matches_ops():
    prog = [["Mul", {}, [0, 1]], ["Compare", {"kind": "gt"}, [2, 1]], ["Cast", {"dtype": "float32"}, [3]],
            ["Mul", {}, [4, 2]], ["Sigmoid", {}, [5]]]
    f = FusedElementwise(inputs=2, program=prog, dtypes=["float32", "bool", "float32", "float32", "float32"],
                         shape=[3, 4])
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((3, 4)).astype(np.float32), np.float32(0.3)
    t = a * b
    want = 0.5 * (1 + np.tanh(0.5 * ((t > b).astype(np.float32) * t)))
    out = np.empty((3, 4), np.float32)
    np.testing.assert_array_equal(f.run(np, out, a, np.asarray(b)), want)
    np.testing.assert_array_equal(f.run(np, out, a, np.asarray(b)), want)     # again, same scratch
    assert len({id(r) for r in f._scratch}) < len(f._scratch)


def test_cuda_source_is_one_typed_kernel():
    prog = [["Add", {}, [0, 1]], ["Relu", {}, [2]], ["Compare", {"kind": "gt"}, [2, 1]],
            ["Where", {}, [4, 3, 1]]]
    attrs = {"inputs": 2, "program": prog, "dtypes": ["float32", "float32", "bool", "float32"], "shape": [4]}
    in_params, out_params, body = cuda_source(attrs, ["float32", "float32"])
    assert in_params == "float32 i0, float32 i1" and out_params == "float32 out"
    assert body == ("float t0 = (i0 + i1); float t1 = (t0 < ((float)0.0) ? ((float)0.0) : t0); "
                    "bool t2 = (t0 > i1); out = (t2 ? t1 : i1);")


def test_cuda_source_for_an_adam_update_compiles_in_c_syntax():
    model, _ = mlp()
    opt = tg.optim.Adam(model.parameters(), lr=0.01)
    g, _ = tg.trace(classify_step(model, opt), *batch()).optimize()
    for node in g.nodes:
        if node.op == "FusedElementwise":
            in_types = [g.spec(i)[1] for i in node.inputs]
            _, _, body = cuda_source(node.attrs, in_types)
            assert body.count("(") == body.count(")") and body.endswith(";") and "out = " in body


def test_graph_runs_keep_no_saved_activations():
    """Ops that may keep forward results for their backward (the fused recurrent cells) hold none
    after a graph run: the graph's own backward nodes recompute what they need."""
    from static_models import cnn
    model, x = cnn()
    g = tg.trace(model, x)
    g(x)
    ops = g.plan().ops
    assert any(type(op).__name__ == "Conv2d" for op in ops)
    assert all(getattr(op, "_saved", None) is None for op in ops)
