"""Two independent heavy branches, each (x @ w1).tanh() @ w2 on 512x512 float32 matrices, summed at the
end: the executor run serially vs `parallel=True` with a 2-thread pool. With BLAS pinned to one
thread (threads=1) the pool is the only source of parallelism; with two BLAS threads the matrix
products already use both cores, so running branches side by side can only add contention. The
speed-up is reported as measured, whatever it is."""
BASELINE = "serial"
PEERS = ["serial", "parallel"]
CASES = [{"size": 512, "threads": 1}, {"size": 512, "threads": 2}]


def setup(peer: str, case: dict):
    import numpy as np

    import tinygrad_edu as tg

    rng = np.random.default_rng(0)
    n = case["size"]
    a, b, c, d = (tg.tensor(rng.standard_normal((n, n)).astype(np.float32) / np.sqrt(n)) for _ in range(4))
    graph, _ = tg.trace(lambda a, b, c, d: ((a @ b).tanh() @ b).sum() + ((c @ d).tanh() @ d).sum(),
                        a, b, c, d).optimize()
    if peer == "serial":
        return lambda: graph(a, b, c, d)
    return lambda: graph(a, b, c, d, parallel=True)
