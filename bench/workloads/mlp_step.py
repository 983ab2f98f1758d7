"""One training step of a 784-256-128-10 ReLU MLP (forward, softmax cross-entropy, backward, SGD update)
at batch 32 and 256: tinygrad_edu's Tensor engine vs PyTorch CPU vs a hand-written NumPy step.
OpenBLAS (under NumPy and tinygrad_edu) is set to put its idle threads to sleep after ~1M cycles
(OPENBLAS_THREAD_TIMEOUT=20) instead of spinning ~0.1 s into the next peer's sample, which on the
2-core machine made the 2-thread figures swing 10-100x. Cases with threads=1 pin every library to one
thread: they show the engines alone.

tinygrad_edu tells glibc to keep freed memory for the next step (tinygrad_edu/backend/allocator.py);
PyTorch and the hand-written NumPy step run at glibc's defaults. The malloc=keep cases give every peer
that same setting (bench/harness.py KEEP_MALLOC): the engines with the allocator held equal."""
from bench import Skip

BASELINE = "numpy"
PEERS = ["tinygrad_edu", "torch", "numpy"]
CASES = [{"batch": 32}, {"batch": 256}, {"batch": 32, "threads": 1}, {"batch": 256, "threads": 1},
         {"batch": 32, "threads": 1, "malloc": "keep"}, {"batch": 256, "threads": 1, "malloc": "keep"}]
SIZES = (784, 256, 128, 10)
LR = 0.01


def _data(batch: int):
    """Same weights and batch for every peer: float32, He-style initialisation."""
    import numpy as np

    rng = np.random.default_rng(0)
    params = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:]):
        params.append((rng.standard_normal((fan_in, fan_out)) * np.sqrt(2 / fan_in)).astype(np.float32))
        params.append(np.zeros(fan_out, np.float32))
    x = rng.standard_normal((batch, SIZES[0])).astype(np.float32)
    y = rng.integers(0, SIZES[-1], size=batch)
    return params, x, y


def _numpy_step(params, x, y):
    """The hand-written reference: forward and backward written out, updates in place."""
    import numpy as np

    w1, b1, w2, b2, w3, b3 = params
    rows = np.arange(len(y))

    def step():
        h1 = x @ w1 + b1
        a1 = np.maximum(h1, 0)
        h2 = a1 @ w2 + b2
        a2 = np.maximum(h2, 0)
        logits = a2 @ w3 + b3
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        loss = -np.log(p[rows, y]).mean()
        d3 = p
        d3[rows, y] -= 1
        d3 /= len(y)
        d2 = (d3 @ w3.T) * (h2 > 0)
        d1 = (d2 @ w2.T) * (h1 > 0)
        grads = (x.T @ d1, d1.sum(0), a1.T @ d2, d2.sum(0), a2.T @ d3, d3.sum(0))
        for param, g in zip(params, grads):
            param -= LR * g
        return loss

    return step


def setup(peer: str, case: dict):
    params, x, y = _data(case["batch"])
    if peer == "numpy":
        return _numpy_step(params, x, y)
    if peer == "tinygrad_edu":
        import tinygrad_edu as lib

        def loss_fn(logits, target, rows):
            return -logits.log_softmax(dim=1)[rows, target].mean()

        def update(p):                   # in place on the raw array, as the NumPy step does
            p.array -= LR * p.grad.array
    elif peer == "torch":
        import torch as lib

        def loss_fn(logits, target, rows):
            return lib.nn.functional.cross_entropy(logits, target)

        def update(p):
            p.sub_(LR * p.grad)
    else:
        raise Skip(f"unknown peer {peer}")
    ps = [lib.tensor(p, requires_grad=True) for p in params]
    xt, yt, rows = lib.tensor(x), lib.tensor(y), lib.arange(len(y))

    def step():
        w1, b1, w2, b2, w3, b3 = ps
        logits = ((xt @ w1 + b1).relu() @ w2 + b2).relu() @ w3 + b3
        loss = loss_fn(logits, yt, rows)
        loss.backward()
        with lib.no_grad():
            for p in ps:
                update(p)
                p.grad = None
        return loss

    return step
