"""Peak memory of a static training step with and without memory planning: the 784-256-128-10 MLP
step at batch 256, optimized (fusion and the rest) and then run with the memory plan (values dropped
after their last use, fused chains and matmuls writing into reused buffers, updates in place) or
with the same graph's plan removed (every intermediate kept until the run ends). `peak` is what
tracemalloc measures during one run after a warm-up run (NumPy reports its allocations to it), plus
the plan's buffers, which stay allocated between runs; `planned` is the pass's own estimate.
Goal (issue 9): >= 30% less with planning. Times are reported too."""
BASELINE = "unplanned"
PEERS = ["planned", "unplanned"]
CASES = [{"batch": 256}, {"batch": 32}]


def _mib(n: int) -> str:
    return f"{n / 2**20:.2f} MiB"


def setup(peer: str, case: dict):
    import tracemalloc

    import tinygrad_edu as tg
    from bench.workloads.mlp_step import _data
    from bench.workloads.static_mlp_step import training_step
    from tinygrad_edu.static import passes

    params, x, y = _data(case["batch"])
    step = training_step(tg, params, case["batch"])
    args = (tg.tensor(x), tg.tensor(y), tg.arange(case["batch"]))
    graph, _ = tg.trace(step, *args).optimize()
    if peer == "unplanned":
        graph = graph.replace(buffers=None)
    graph(*args)
    tracemalloc.start()
    graph(*args)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    kept = sum(b.nbytes for b in graph.plan().buffers.values())

    def run():
        return graph(*args)

    run.metrics = {"peak": _mib(peak + kept), "planned": _mib(passes.peak_bytes(graph)),
                   "peak_bytes": peak + kept}
    return run
