"""Two-dimensional teaching sets: small enough to plot, hard enough to need a hidden layer.

Each function returns `(X, y)`: `X` of shape (n, 2) in `dtype` (float32 by default, PyTorch's default, so
`Tensor(X)` matches a model's weights), `y` int64 class labels of shape (n,). A `seed` makes them
reproducible; `noise` is the standard deviation of Gaussian jitter.
"""
import numpy as np


def _check(name, n_samples, noise):
    if not isinstance(n_samples, int) or isinstance(n_samples, bool) or n_samples < 2:
        raise ValueError(f"{name}: n_samples must be an int >= 2, got {n_samples!r}")
    if noise < 0:
        raise ValueError(f"{name}: noise must be >= 0, got {noise!r}")


def _finish(rng, X, y, noise, dtype):
    X = X + rng.normal(scale=noise, size=X.shape) if noise else X
    order = rng.permutation(len(y))
    return X[order].astype(dtype), y[order].astype(np.int64)


def _split(n_samples, parts):
    """Sizes of `parts` classes adding up to n_samples (earlier classes get the remainder)."""
    return [n_samples // parts + (1 if i < n_samples % parts else 0) for i in range(parts)]


def make_moons(n_samples=100, noise=0.1, seed=None, dtype=np.float32):
    """Two interleaving half circles (class 0 on top, class 1 shifted below)."""
    _check("make_moons", n_samples, noise)
    rng = np.random.default_rng(seed)
    n0, n1 = _split(n_samples, 2)
    t0, t1 = np.linspace(0, np.pi, n0), np.linspace(0, np.pi, n1)
    upper = np.stack([np.cos(t0), np.sin(t0)], axis=1)
    lower = np.stack([1 - np.cos(t1), 0.5 - np.sin(t1)], axis=1)
    return _finish(rng, np.concatenate([upper, lower]), np.repeat([0, 1], [n0, n1]), noise, dtype)


def make_circles(n_samples=100, noise=0.05, factor=0.5, seed=None, dtype=np.float32):
    """A small circle (class 1, radius `factor`) inside a unit circle (class 0)."""
    _check("make_circles", n_samples, noise)
    if not 0 < factor < 1:
        raise ValueError(f"make_circles: factor must be between 0 and 1, got {factor!r}")
    rng = np.random.default_rng(seed)
    n0, n1 = _split(n_samples, 2)
    t0 = np.linspace(0, 2 * np.pi, n0, endpoint=False)
    t1 = np.linspace(0, 2 * np.pi, n1, endpoint=False)
    outer = np.stack([np.cos(t0), np.sin(t0)], axis=1)
    inner = factor * np.stack([np.cos(t1), np.sin(t1)], axis=1)
    return _finish(rng, np.concatenate([outer, inner]), np.repeat([0, 1], [n0, n1]), noise, dtype)


def make_spiral(n_samples=300, classes=3, noise=0.2, seed=None, dtype=np.float32):
    """`classes` arms winding out from the origin (the CS231n spiral); noise jitters the angle."""
    _check("make_spiral", n_samples, noise)
    if not isinstance(classes, int) or classes < 2:
        raise ValueError(f"make_spiral: classes must be an int >= 2, got {classes!r}")
    rng = np.random.default_rng(seed)
    points, labels = [], []
    for k, n in enumerate(_split(n_samples, classes)):
        r = np.linspace(0.0, 1.0, n)
        t = np.linspace(k * 4.0, (k + 1) * 4.0, n) + rng.normal(scale=noise, size=n)
        points.append(np.stack([r * np.sin(t), r * np.cos(t)], axis=1))
        labels.append(np.full(n, k))
    return _finish(rng, np.concatenate(points), np.concatenate(labels), 0.0, dtype)


def make_xor(n_samples=200, noise=0.1, seed=None, dtype=np.float32):
    """Points in [-1, 1]²: class 1 where x and y have different signs (not linearly separable)."""
    _check("make_xor", n_samples, noise)
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n_samples, 2))
    y = (X[:, 0] * X[:, 1] < 0).astype(np.int64)
    return _finish(rng, X, y, noise, dtype)


def make_gaussians(n_samples=200, centers=((-1.0, -1.0), (1.0, 1.0)), noise=0.5, seed=None,
                   dtype=np.float32):
    """One round blob per center (class k around centers[k]) with standard deviation `noise`."""
    _check("make_gaussians", n_samples, noise)
    centers = np.asarray(centers, dtype=np.float64)
    if centers.ndim != 2 or centers.shape[1] != 2 or len(centers) < 2:
        raise ValueError(f"make_gaussians: centers must have shape (k>=2, 2), got {centers.shape}")
    rng = np.random.default_rng(seed)
    sizes = _split(n_samples, len(centers))
    X = np.repeat(centers, sizes, axis=0)
    return _finish(rng, X, np.repeat(np.arange(len(centers)), sizes), noise, dtype)
