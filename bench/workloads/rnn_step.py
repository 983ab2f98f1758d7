"""Recurrent layers, forward + backward: `nn.RNN`, `nn.LSTM` and `nn.GRU` with hidden size 64 over 50 time
steps at batch 32 (input size 64, sum of the outputs as the loss), against PyTorch's same layers (its
fused C++ cells) and hand-written NumPy forward and backward passes through time (the input projection
as one matrix multiply, then a loop over the steps: what NumPy can do with no autodiff at all). This is
the dynamic-graph lesson's workload: our layers are a Python loop over time steps, one fused cell op a
step. Cases with threads=1 pin every library to one thread.

tinygrad_edu tells glibc to keep freed memory for the next step (tinygrad_edu/backend/allocator.py);
PyTorch and NumPy run with glibc's defaults. The malloc=keep cases give every peer that same setting
(bench/harness.py KEEP_MALLOC), so they compare the engines with the allocator held equal."""
from bench import Skip

BASELINE = "torch"
PEERS = ["tinygrad_edu", "torch", "numpy"]
CASES = [{"layer": name, "threads": threads} for threads in (1, 2) for name in ("RNN", "LSTM", "GRU")] + \
        [{"layer": name, "threads": 1, "malloc": "keep"} for name in ("RNN", "LSTM", "GRU")]
STEPS, BATCH, HIDDEN = 50, 32, 64


def _data():
    import numpy as np

    return np.random.default_rng(0).standard_normal((STEPS, BATCH, HIDDEN)).astype(np.float32)


def setup(peer: str, case: dict):
    x = _data()
    if peer == "numpy":
        return {"RNN": _numpy_rnn, "LSTM": _numpy_lstm, "GRU": _numpy_gru}[case["layer"]](x)
    if peer == "tinygrad_edu":
        import tinygrad_edu as lib
    elif peer == "torch":
        import torch as lib
    else:
        raise Skip(f"unknown peer {peer}")
    layer = getattr(lib.nn, case["layer"])(HIDDEN, HIDDEN)
    gates = {"RNN": 1, "LSTM": 4, "GRU": 3}[case["layer"]]
    with lib.no_grad():                                   # the same weights for every peer
        for param, value in zip(layer.parameters(), _weights(gates)):
            if peer == "torch":
                param.copy_(lib.from_numpy(value))
            else:
                param.array = value.copy()
    xt = lib.tensor(x)

    def step():
        out, _ = layer(xt)
        out.sum().backward()
        for p in layer.parameters():
            p.grad = None
        return out

    return step


def _weights(gates: int):
    """w_ih, w_hh, b_ih, b_hh as PyTorch initialises them (uniform in ±1/sqrt(hidden))."""
    import numpy as np

    rng = np.random.default_rng(1)
    bound = 1 / np.sqrt(HIDDEN)
    shapes = [(gates * HIDDEN, HIDDEN), (gates * HIDDEN, HIDDEN), (gates * HIDDEN,), (gates * HIDDEN,)]
    return [rng.uniform(-bound, bound, shape).astype(np.float32) for shape in shapes]


def _sigmoid(z):
    import numpy as np

    return 0.5 * (1 + np.tanh(0.5 * z))


def _numpy_rnn(x):
    """h_t = tanh(x_t Wᵢₕᵀ + h_{t-1} Wₕₕᵀ + b); backward through time keeps each step's pre-activation
    gradient, so the weight gradients are one matrix multiply each at the end. Each hand-written step
    returns the parameter gradients in PyTorch's order (w_ih, w_hh, b_ih, b_hh)."""
    import numpy as np

    w_ih, w_hh, b_ih, b_hh = _weights(1)

    def step():
        projected = (x.reshape(-1, HIDDEN) @ w_ih.T).reshape(STEPS, BATCH, HIDDEN) + (b_ih + b_hh)
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
        db = flat.sum(0)
        return flat.T @ x.reshape(-1, HIDDEN), flat.T @ hs[:-1].reshape(-1, HIDDEN), db, db

    return step


def _numpy_lstm(x):
    """The LSTM cell written out: forward keeps the gates of every step, backward walks back."""
    import numpy as np

    w_ih, w_hh, b_ih, b_hh = _weights(4)
    H = HIDDEN

    def step():
        projected = (x.reshape(-1, H) @ w_ih.T).reshape(STEPS, BATCH, 4 * H) + (b_ih + b_hh)
        h, c = np.zeros((BATCH, H), np.float32), np.zeros((BATCH, H), np.float32)
        saved = []
        for t in range(STEPS):
            z = projected[t] + h @ w_hh.T
            i, f = _sigmoid(z[:, :H]), _sigmoid(z[:, H:2 * H])
            g, o = np.tanh(z[:, 2 * H:3 * H]), _sigmoid(z[:, 3 * H:])
            saved.append((h, c, i, f, g, o))
            c = f * c + i * g
            h = o * np.tanh(c)
            saved[-1] += (np.tanh(c),)
        dgates = np.empty((STEPS, BATCH, 4 * H), np.float32)
        dh, dc = np.zeros((BATCH, H), np.float32), np.zeros((BATCH, H), np.float32)
        for t in range(STEPS - 1, -1, -1):
            h, c, i, f, g, o, tanh_c = saved[t]
            dh += 1.0
            dc += dh * o * (1 - tanh_c * tanh_c)
            d = dgates[t]
            d[:, :H], d[:, H:2 * H] = dc * g * i * (1 - i), dc * c * f * (1 - f)
            d[:, 2 * H:3 * H], d[:, 3 * H:] = dc * i * (1 - g * g), dh * tanh_c * o * (1 - o)
            dh, dc = d @ w_hh, dc * f
        flat = dgates.reshape(-1, 4 * H)
        hs = np.stack([s[0] for s in saved]).reshape(-1, H)
        db = flat.sum(0)
        return flat.T @ x.reshape(-1, H), flat.T @ hs, db, db

    return step


def _numpy_gru(x):
    """The GRU cell written out (PyTorch's form: the reset gate scales h Wₕₙᵀ + bₕₙ)."""
    import numpy as np

    w_ih, w_hh, b_ih, b_hh = _weights(3)
    H = HIDDEN

    def step():
        projected = (x.reshape(-1, H) @ w_ih.T).reshape(STEPS, BATCH, 3 * H) + b_ih
        h = np.zeros((BATCH, H), np.float32)
        saved = []
        for t in range(STEPS):
            rec = h @ w_hh.T + b_hh
            r = _sigmoid(projected[t, :, :H] + rec[:, :H])
            z = _sigmoid(projected[t, :, H:2 * H] + rec[:, H:2 * H])
            n = np.tanh(projected[t, :, 2 * H:] + r * rec[:, 2 * H:])
            saved.append((h, r, z, n, rec[:, 2 * H:]))
            h = n + z * (h - n)
        dxw, drec = np.empty((STEPS, BATCH, 3 * H), np.float32), np.empty((STEPS, BATCH, 3 * H), np.float32)
        dh = np.zeros((BATCH, H), np.float32)
        for t in range(STEPS - 1, -1, -1):
            h, r, z, n, rec_n = saved[t]
            dh += 1.0
            dn = dh * (1 - z) * (1 - n * n)
            dr, dz = dn * rec_n * r * (1 - r), dh * (h - n) * z * (1 - z)
            dxw[t, :, :H], dxw[t, :, H:2 * H], dxw[t, :, 2 * H:] = dr, dz, dn
            drec[t, :, :2 * H], drec[t, :, 2 * H:] = dxw[t, :, :2 * H], dn * r
            dh = drec[t] @ w_hh + dh * z
        flat_x, flat_h = dxw.reshape(-1, 3 * H), drec.reshape(-1, 3 * H)
        hs = np.stack([s[0] for s in saved]).reshape(-1, H)
        return flat_x.T @ x.reshape(-1, H), flat_h.T @ hs, flat_x.sum(0), flat_h.sum(0)

    return step
