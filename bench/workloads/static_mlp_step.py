"""One SGD training step of the 784-256-128-10 ReLU MLP (forward, softmax cross-entropy, backward,
update) at batch 32 and 256: the whole step traced into one static graph and optimized (constant
folding, simplification, CSE, DCE, elementwise fusion, memory planning, updates written in place)
vs the same step in tinygrad_edu's dynamic mode vs the hand-written NumPy step of `mlp_step`.
Goals (issue 9): static >= 1.5x faster than dynamic at batch 32 and <= 1.0x hand NumPy."""
from bench.workloads.mlp_step import LR, _data, _numpy_step

BASELINE = "numpy"
PEERS = ["static", "dynamic", "numpy"]
CASES = [{"batch": 32}, {"batch": 256}, {"batch": 32, "threads": 1}, {"batch": 256, "threads": 1}]


def training_step(lib, params, batch: int):
    """The step as a user writes it with an optimizer. The weights are kept (in, out), as the hand-written
    step keeps them: nn.Linear's (out, in) makes the forward x @ W.T, which OpenBLAS runs ~2x slower at
    these shapes whatever engine calls it, and that is not what this benchmark compares."""
    ps = [lib.tensor(p, requires_grad=True) for p in params]
    opt = lib.optim.SGD(ps, lr=LR)

    def step(x, y, rows):
        h = x
        for layer, (weight, bias) in enumerate(zip(ps[0::2], ps[1::2])):
            h = h @ weight + bias
            h = h.relu() if layer < 2 else h
        loss = -h.log_softmax(dim=1)[rows, y].mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss

    return step


def setup(peer: str, case: dict):
    if peer == "numpy":
        return _numpy_step(*_data(case["batch"]))
    import tinygrad_edu as tg

    params, x, y = _data(case["batch"])
    step = training_step(tg, params, case["batch"])
    args = (tg.tensor(x), tg.tensor(y), tg.arange(case["batch"]))
    if peer == "dynamic":
        return lambda: step(*args)
    graph, _ = tg.trace(step, *args).optimize()
    return lambda: graph(*args)
