"""LeNet-style CNN training step on 28x28 images, batch 64 (conv 5x5 -> relu -> max-pool 2 twice, then
120-84-10 MLP, cross-entropy, backward, SGD update): what the im2col convolution and window pooling
cost inside the engine, against PyTorch CPU (oneDNN) and a careful hand-written NumPy im2col step.
The threads=1 case pins every library to one thread: on this shared 2-core machine a 2-thread BLAS or
OpenMP pool stalls badly whenever another process holds a core, and one thread compares engines alone."""

from bench import Skip

BASELINE = "numpy"
PEERS = ["tinygrad_edu", "torch", "numpy"]
CASES = [{"batch": 64}, {"batch": 64, "threads": 1}]
LR = 0.01


def _data_and_params(batch: int):
    """The same images, labels and initial float32 weights for every peer."""
    import numpy as np

    rng = np.random.default_rng(0)
    images = rng.standard_normal((batch, 1, 28, 28)).astype(np.float32)
    labels = rng.integers(0, 10, batch)
    shapes = {"c1w": (6, 1, 5, 5), "c1b": (6,), "c2w": (16, 6, 5, 5), "c2b": (16,),
              "f1w": (400, 120), "f1b": (120,), "f2w": (120, 84), "f2b": (84,), "f3w": (84, 10), "f3b": (10,)}
    params = {}
    for name, shape in shapes.items():
        fan_in = int(np.prod(shape[1:])) if name.startswith("c") and name.endswith("w") else shape[0]
        params[name] = (rng.standard_normal(shape) / np.sqrt(fan_in)).astype(np.float32)
    return images, labels, params


def setup(peer: str, case: dict):
    """The step returns the updated parameters, so a test can check the three peers agree."""
    images, labels, params = _data_and_params(case["batch"])
    if peer == "torch":
        return _torch_step(images, labels, params)
    if peer == "tinygrad_edu":
        return _tinygrad_edu_step(images, labels, params)
    if peer == "numpy":
        return _numpy_step(images, labels, params)
    raise Skip(f"unknown peer {peer}")


def _lenet_loss(F, x, y, p):
    """One model definition for both engines: tinygrad_edu.nn.functional speaks torch's functional API."""
    h = F.max_pool2d(F.conv2d(x, p["c1w"], p["c1b"], padding=2).relu(), 2)
    h = F.max_pool2d(F.conv2d(h, p["c2w"], p["c2b"]).relu(), 2).reshape(x.shape[0], 400)
    h = (h @ p["f1w"] + p["f1b"]).relu()
    h = (h @ p["f2w"] + p["f2b"]).relu()
    return F.cross_entropy(h @ p["f3w"] + p["f3b"], y)


def _tinygrad_edu_step(images, labels, params):
    import tinygrad_edu as tg
    from tinygrad_edu.nn import functional as F

    p = {k: tg.Tensor(v, requires_grad=True) for k, v in params.items()}
    x, y = tg.Tensor(images), tg.Tensor(labels)

    def step():
        _lenet_loss(F, x, y, p).backward()
        for t in p.values():
            t.array -= LR * t.grad.array
            t.grad = None
        return p

    return step


def _torch_step(images, labels, params):
    import torch
    import torch.nn.functional as F

    p = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    x, y = torch.tensor(images), torch.tensor(labels)

    def step():
        _lenet_loss(F, x, y, p).backward()
        with torch.no_grad():
            for t in p.values():
                t -= LR * t.grad
                t.grad = None
        return p

    return step


def _numpy_step(images, labels, params):
    """Hand-written forward and backward: im2col by one strided view and one copy, col2im as 25 strided
    adds, 2x2 max-pool as 3 strided np.maximum calls, no autodiff bookkeeping at all."""
    import numpy as np
    from numpy.lib.stride_tricks import sliding_window_view

    p = {k: v.copy() for k, v in params.items()}
    n = images.shape[0]
    x = images
    onehot = np.eye(10, dtype=np.float32)[labels]

    def conv(a, w, b, pad):
        if pad:
            a = np.pad(a, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
        k = w.shape[-1]
        win = sliding_window_view(a, (k, k), axis=(2, 3))                     # N, C, Ho, Wo, k, k
        ho, wo = win.shape[2:4]
        cols = win.transpose(0, 1, 4, 5, 2, 3).reshape(n, -1, ho * wo)         # N, C*k*k, Ho*Wo
        out = np.matmul(w.reshape(w.shape[0], -1), cols) + b[:, None]
        return out.reshape(n, w.shape[0], ho, wo), cols

    def conv_backward(g, cols, w, input_shape, pad):
        g2 = g.reshape(n, g.shape[1], -1)
        dw = np.matmul(g2, cols.transpose(0, 2, 1)).sum(0).reshape(w.shape)
        db = g2.sum((0, 2))
        if input_shape is None:
            return None, dw, db
        k, (_, c, hi, wi) = w.shape[-1], input_shape
        dcols = np.matmul(w.reshape(w.shape[0], -1).T, g2).reshape(n, c, k, k, *g.shape[2:])
        dx = np.zeros((n, c, hi + 2 * pad, wi + 2 * pad), np.float32)
        ho, wo = g.shape[2:]
        for i in range(k):
            for j in range(k):
                dx[:, :, i:i + ho, j:j + wo] += dcols[:, :, i, j]
        return dx[:, :, pad:pad + hi, pad:pad + wi], dw, db

    def pool(a):
        quads = [a[:, :, i::2, j::2] for i in (0, 1) for j in (0, 1)]
        return np.maximum(np.maximum(quads[0], quads[1]), np.maximum(quads[2], quads[3]))

    def pool_backward(g, a, out):
        da = np.zeros_like(a)
        free = np.ones(out.shape, bool)
        for i in (0, 1):
            for j in (0, 1):
                hit = (a[:, :, i::2, j::2] == out) & free
                da[:, :, i::2, j::2] = g * hit
                free &= ~hit
        return da

    def step():
        z1, cols1 = conv(x, p["c1w"], p["c1b"], 2)
        r1 = np.maximum(z1, 0)
        m1 = pool(r1)
        z2, cols2 = conv(m1, p["c2w"], p["c2b"], 0)
        r2 = np.maximum(z2, 0)
        m2 = pool(r2)
        f0 = m2.reshape(n, 400)
        a1 = np.maximum(f0 @ p["f1w"] + p["f1b"], 0)
        a2 = np.maximum(a1 @ p["f2w"] + p["f2b"], 0)
        logits = a2 @ p["f3w"] + p["f3b"]
        e = np.exp(logits - logits.max(1, keepdims=True))
        dlogits = (e / e.sum(1, keepdims=True) - onehot) / n
        grads = {"f3w": a2.T @ dlogits, "f3b": dlogits.sum(0)}
        d2 = (dlogits @ p["f3w"].T) * (a2 > 0)
        grads.update(f2w=a1.T @ d2, f2b=d2.sum(0))
        d1 = (d2 @ p["f2w"].T) * (a1 > 0)
        grads.update(f1w=f0.T @ d1, f1b=d1.sum(0))
        dm2 = (d1 @ p["f1w"].T).reshape(m2.shape)
        dz2 = pool_backward(dm2, r2, m2) * (z2 > 0)
        dm1, grads["c2w"], grads["c2b"] = conv_backward(dz2, cols2, p["c2w"], m1.shape, 0)
        dz1 = pool_backward(dm1, r1, m1) * (z1 > 0)
        _, grads["c1w"], grads["c1b"] = conv_backward(dz1, cols1, p["c1w"], None, 2)
        for name, g in grads.items():
            p[name] -= LR * g
        return p

    return step
