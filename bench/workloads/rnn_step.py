"""Recurrent layers, forward + backward: `nn.RNN`, `nn.LSTM` and `nn.GRU` with hidden size 64 over 50 time
steps at batch 32 (input size 64, sum of the outputs as the loss), against PyTorch's same layers (its
fused C++ cells) and, for the RNN, a hand-written NumPy forward and backward through time. This is the
dynamic-graph lesson's workload: our layers are a Python loop over time steps, one fused cell op a step.
Cases with threads=1 pin every library to one thread."""
from bench import Skip

BASELINE = "torch"
PEERS = ["tinygrad_edu", "torch", "numpy"]
CASES = [{"layer": name, "threads": threads} for threads in (1, 2) for name in ("RNN", "LSTM", "GRU")]
STEPS, BATCH, HIDDEN = 50, 32, 64


def _data():
    import numpy as np

    return np.random.default_rng(0).standard_normal((STEPS, BATCH, HIDDEN)).astype(np.float32)


def setup(peer: str, case: dict):
    x = _data()
    if peer == "numpy":
        if case["layer"] != "RNN":
            raise Skip("hand-written NumPy only for the vanilla RNN")
        return _numpy_rnn(x)
    if peer == "tinygrad_edu":
        import tinygrad_edu as lib
    elif peer == "torch":
        import torch as lib
    else:
        raise Skip(f"unknown peer {peer}")
    lib.manual_seed(0)
    layer = getattr(lib.nn, case["layer"])(HIDDEN, HIDDEN)
    xt = lib.tensor(x)

    def step():
        out, _ = layer(xt)
        out.sum().backward()
        for p in layer.parameters():
            p.grad = None
        return out

    return step


def _numpy_rnn(x):
    """h_t = tanh(x_t Wᵢₕᵀ + h_{t-1} Wₕₕᵀ + b): the input projection for all steps as one matrix multiply,
    then the loop; backward through time accumulates the recurrent weight gradient per step."""
    import numpy as np

    rng = np.random.default_rng(1)
    bound = 1 / np.sqrt(HIDDEN)
    w_ih, w_hh = (rng.uniform(-bound, bound, (HIDDEN, HIDDEN)).astype(np.float32) for _ in range(2))
    b = rng.uniform(-bound, bound, HIDDEN).astype(np.float32)

    def step():
        projected = (x.reshape(-1, HIDDEN) @ w_ih.T).reshape(STEPS, BATCH, HIDDEN) + b
        hs = np.empty((STEPS + 1, BATCH, HIDDEN), np.float32)
        hs[0] = 0
        for t in range(STEPS):
            hs[t + 1] = np.tanh(projected[t] + hs[t] @ w_hh.T)
        dpre = np.empty((STEPS, BATCH, HIDDEN), np.float32)
        dh = np.zeros((BATCH, HIDDEN), np.float32)
        for t in range(STEPS - 1, -1, -1):
            dh += 1.0                                             # d(sum of outputs)/d h_t
            dpre[t] = dh * (1 - hs[t + 1] ** 2)
            dh = dpre[t] @ w_hh
        flat = dpre.reshape(-1, HIDDEN)
        grads = (flat.T @ x.reshape(-1, HIDDEN), flat.T @ hs[:-1].reshape(-1, HIDDEN), flat.sum(0))
        return hs, grads

    return step
