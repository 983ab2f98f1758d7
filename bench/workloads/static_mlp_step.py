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
    """The step a user writes: an nn.Sequential of Linear layers (holding the shared weights), the loss,
    backward, an SGD step."""
    nn = lib.nn
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
    layers = [m for m in model if isinstance(m, nn.Linear)]
    for layer, weight, bias in zip(layers, params[0::2], params[1::2]):
        layer.weight.array[...] = weight.T          # Linear keeps (out, in); the shared data is (in, out)
        layer.bias.array[...] = bias
    opt = lib.optim.SGD(model.parameters(), lr=LR)

    def step(x, y, rows):
        opt.zero_grad()
        loss = -model(x).log_softmax(dim=1)[rows, y].mean()
        loss.backward()
        opt.step()
        return loss

    return step


def setup(peer: str, case: dict):
    params, x, y = _data(case["batch"])
    if peer == "numpy":
        return _numpy_step(params, x, y)
    import tinygrad_edu as tg

    step = training_step(tg, params, case["batch"])
    args = (tg.tensor(x), tg.tensor(y), tg.arange(case["batch"]))
    if peer == "dynamic":
        return lambda: step(*args)
    graph, _ = tg.trace(step, *args).optimize()
    return lambda: graph(*args)
