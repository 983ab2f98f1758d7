"""LeNet-style CNN training step on 28x28 images, batch 64 (conv 5x5 -> relu -> max-pool 2 twice, then
120-84-10 MLP, cross-entropy, backward, SGD update): what the im2col convolution and window pooling
cost inside the engine, against PyTorch CPU (oneDNN) and a careful hand-written NumPy im2col step.
The threads=1 case pins every library to one thread: on this shared 2-core machine a 2-thread BLAS or
OpenMP pool stalls badly whenever another process holds a core, and one thread compares engines alone.
tinygrad_edu itself tells glibc to keep freed memory (tinygrad_edu/backend/allocator.py): at glibc's
defaults a step of ours (peak about 6 MB above the previous step's) gave its pages back at the end and
faulted them in again on the next, a cost of the allocator, not of the convolution. PyTorch and NumPy run
at glibc's defaults; the malloc=keep case gives every peer the same setting (bench/harness.py KEEP_MALLOC).

Peak memory: in a fresh process per peer, after two warm-up steps, how far one step raises the peak
resident memory (the kernel's high-water mark, reset before the step) above what the process held
before it, smallest of three steps. One method for every library, PyTorch's allocator included: glibc
is told (MALLOC_MMAP_THRESHOLD_=65536, MALLOC_TRIM_THRESHOLD_=0, memory workers only) to hand every
freed block over 64 KB back at once, so resident memory follows the live arrays. For the NumPy-based
peers, tracemalloc's peak agrees with it within a few percent."""

from bench import Skip

BASELINE = "torch"                       # the targets are against PyTorch, time and memory
PEERS = ["tinygrad_edu", "torch", "numpy"]
CASES = [{"batch": 64}, {"batch": 64, "threads": 1}, {"batch": 64, "threads": 1, "malloc": "keep"}]
MEMORY = True
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
    """The fastest hand-written NumPy step we could write, so the ratio means something: activations
    kept in (C, N, H, W) memory order, so that each convolution is ONE matrix multiply over the whole
    batch (BLAS can thread it) and no layer needs a transpose; im2col is one strided copy, col2im 25
    strided adds; the 2x2 max-pool is 3 strided `maximum` calls and its backward 4 masked writes;
    ReLU's backward is folded into the pooled gradient (a window whose max is 0 passes nothing back,
    a positive max sits where the ReLU passed); the big arrays (padded input, columns, convolution
    outputs and their gradients) are allocated once and reused, so no step pays for fresh pages; and
    updates happen in place. No autodiff at all."""
    import numpy as np
    from numpy.lib.stride_tricks import sliding_window_view

    p = {k: v.copy() for k, v in params.items()}
    n = images.shape[0]
    x = images.transpose(1, 0, 2, 3)                                   # (C, N, H, W) view
    onehot = np.eye(10, dtype=np.float32)[labels]
    buffers = {}

    def buffer(name, shape):
        """A float32 array kept from step to step (zeros when first made: padding borders stay 0)."""
        if name not in buffers:
            buffers[name] = np.zeros(shape, np.float32)
        return buffers[name]

    def conv(name, a, w, b, pad):
        """a (C, N, H, W) -> z (O, N, Ho, Wo), and the columns (C*k*k, N*Ho*Wo) for the backward."""
        c, _, h, wd = a.shape
        if pad:
            padded = buffer(name + " padded", (c, n, h + 2 * pad, wd + 2 * pad))
            padded[:, :, pad:pad + h, pad:pad + wd] = a
            a = padded
        o, k = w.shape[0], w.shape[-1]
        win = sliding_window_view(a, (k, k), axis=(2, 3))             # C, N, Ho, Wo, k, k
        ho, wo = win.shape[2:4]
        cols = buffer(name + " columns", (c, k, k, n, ho, wo))
        np.copyto(cols, win.transpose(0, 4, 5, 1, 2, 3))
        cols = cols.reshape(-1, n * ho * wo)
        z = np.matmul(w.reshape(o, -1), cols, out=buffer(name + " out", (o, n * ho * wo)))
        z += b[:, None]
        return z.reshape(o, n, ho, wo), cols

    def conv_backward(name, dz, cols, w, input_shape, pad):
        o, k = w.shape[0], w.shape[-1]
        dz2 = dz.reshape(o, -1)
        dw, db = (dz2 @ cols.T).reshape(w.shape), dz2.sum(1)
        if input_shape is None:
            return None, dw, db
        c, _, h, wd = input_shape
        ho, wo = dz.shape[2:]
        dcols = np.matmul(w.reshape(o, -1).T, dz2, out=buffer(name + " dcolumns", cols.shape))
        dcols = dcols.reshape(c, k, k, n, ho, wo)
        da = buffer(name + " dinput", (c, n, h + 2 * pad, wd + 2 * pad))
        da.fill(0)
        for i in range(k):
            for j in range(k):
                da[:, :, i:i + ho, j:j + wo] += dcols[:, i, j]
        return da[:, :, pad:pad + h, pad:pad + wd], dw, db

    def relu_pool(z):
        """max-pool 2x2 of relu(z): ReLU in place, then 3 strided maximum calls."""
        np.maximum(z, 0, out=z)
        m = np.maximum(z[:, :, 0::2, 0::2], z[:, :, 0::2, 1::2])
        np.maximum(m, z[:, :, 1::2, 0::2], out=m)
        np.maximum(m, z[:, :, 1::2, 1::2], out=m)
        return m

    def relu_pool_backward(name, g, r, m):
        """Send g to each window's first maximum; windows whose max is 0 were cut by the ReLU."""
        g = g * (m > 0)
        dz = buffer(name + " dz", r.shape)
        free, hit = np.ones(m.shape, bool), np.empty(m.shape, bool)
        for i in (0, 1):
            for j in (0, 1):
                np.equal(r[:, :, i::2, j::2], m, out=hit)
                hit &= free
                free &= ~hit
                np.multiply(g, hit, out=dz[:, :, i::2, j::2])
        return dz

    def step():
        z1, cols1 = conv("conv1", x, p["c1w"], p["c1b"], 2)
        m1 = relu_pool(z1)                                             # z1 now holds relu(z1)
        z2, cols2 = conv("conv2", m1, p["c2w"], p["c2b"], 0)
        m2 = relu_pool(z2)
        f0 = m2.transpose(1, 0, 2, 3).reshape(n, 400)
        a1 = f0 @ p["f1w"]
        a1 += p["f1b"]
        np.maximum(a1, 0, out=a1)
        a2 = a1 @ p["f2w"]
        a2 += p["f2b"]
        np.maximum(a2, 0, out=a2)
        logits = a2 @ p["f3w"] + p["f3b"]
        e = np.exp(logits - logits.max(1, keepdims=True))
        dlogits = (e / e.sum(1, keepdims=True) - onehot) / n
        grads = {"f3w": a2.T @ dlogits, "f3b": dlogits.sum(0)}
        d2 = dlogits @ p["f3w"].T
        d2 *= a2 > 0
        grads.update(f2w=a1.T @ d2, f2b=d2.sum(0))
        d1 = d2 @ p["f2w"].T
        d1 *= a1 > 0
        grads.update(f1w=f0.T @ d1, f1b=d1.sum(0))
        dm2 = (d1 @ p["f1w"].T).reshape(n, 16, 5, 5).transpose(1, 0, 2, 3)
        dz2 = relu_pool_backward("conv2", dm2, z2, m2)
        dm1, grads["c2w"], grads["c2b"] = conv_backward("conv2", dz2, cols2, p["c2w"], m1.shape, 0)
        dz1 = relu_pool_backward("conv1", dm1, z1, m1)
        _, grads["c1w"], grads["c1b"] = conv_backward("conv1", dz1, cols1, p["c1w"], None, 2)
        for name, g in grads.items():
            g *= LR
            p[name] -= g
        return p

    return step
