"""Creation functions (zeros, ones, arange, randn, ...) and the global random seed.

Why one seeded NumPy Generator: `manual_seed(0)` must make every random tensor (and so every lesson's
training run) reproducible, on every device. Random numbers are drawn on the host, then moved.
"""

import numbers

import numpy as np

from .. import backend
from . import dtypes
from .args import shape_arg
from .core import Tensor, _wrap

_rng = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Seed the generator behind rand/randn/randint (and anything else drawing from `generator()`)."""
    global _rng
    if not isinstance(seed, numbers.Integral):
        raise TypeError(f"manual_seed: expected an int seed, got {type(seed).__name__}")
    _rng = np.random.default_rng(int(seed))
    return _rng


def generator() -> np.random.Generator:
    """The global NumPy Generator (other modules such as dropout masks draw from it)."""
    return _rng


def _finish(host: np.ndarray, dtype, device, requires_grad: bool, where: str) -> Tensor:
    dt = dtypes.DEFAULT_FLOAT if dtype is None else dtypes.to_dtype(dtype, where)
    array = host.astype(dt, copy=False)
    if device is not None:
        array = backend.to_device(array, device)
    t = _wrap(array, None, (), False)
    if requires_grad:
        t.requires_grad_(True)
    return t


def tensor(data, dtype=None, device=None, requires_grad: bool = False, name=None, label=None) -> Tensor:
    """tinygrad_edu.tensor([...]) like torch.tensor: copies the data; `name` labels it in drawings."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype, device=device, name=name, label=label)


def from_numpy(array: np.ndarray) -> Tensor:
    """Share memory with a NumPy array (no copy), like torch.from_numpy."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(array).__name__}")
    dtypes.check_numeric(array.dtype, "from_numpy", "an array")
    return _wrap(array, None, (), False)


def zeros(*shape, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return _finish(np.zeros(shape_arg(shape, "zeros")), dtype, device, requires_grad, "zeros")


def ones(*shape, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return _finish(np.ones(shape_arg(shape, "ones")), dtype, device, requires_grad, "ones")


def full(shape, fill_value, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    if dtype is None:
        dtype = dtypes.infer_dtype(np.asarray(fill_value), from_python=True)
    return _finish(np.full(shape_arg((shape,), "full"), fill_value), dtype, device, requires_grad, "full")


def empty(*shape, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return zeros(*shape, dtype=dtype, device=device, requires_grad=requires_grad)


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """arange(5) -> 0..4 (int64 for int arguments, float32 if any argument is a float)."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise ValueError("arange: step must be nonzero")
    host = np.arange(start, end, step)
    if dtype is None:
        dtype = dtypes.infer_dtype(host, from_python=True)
    return _finish(host, dtype, device, requires_grad, "arange")


def linspace(start, end, steps: int, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    if steps < 0:
        raise ValueError(f"linspace: steps must be non-negative, got {steps}")
    return _finish(np.linspace(start, end, int(steps)), dtype, device, requires_grad, "linspace")


def eye(n: int, m=None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return _finish(np.eye(n, m), dtype, device, requires_grad, "eye")


def rand(*shape, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Uniform on [0, 1)."""
    return _finish(_rng.random(shape_arg(shape, "rand")), dtype, device, requires_grad, "rand")


def randn(*shape, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Standard normal."""
    return _finish(_rng.standard_normal(shape_arg(shape, "randn")), dtype, device, requires_grad, "randn")


def randint(low, high=None, size=(), dtype=None, device=None) -> Tensor:
    if high is None:
        low, high = 0, low
    host = _rng.integers(low, high, size=shape_arg((size,), "randint"))
    return _finish(host, dtypes.int64 if dtype is None else dtype, device, False, "randint")


def _like(fn, t: Tensor, dtype, device, requires_grad, *args) -> Tensor:
    return fn(
        *args,
        dtype=t.dtype if dtype is None else dtype,
        device=t.device if device is None else device,
        requires_grad=requires_grad,
    )


def zeros_like(t: Tensor, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return _like(zeros, t, dtype, device, requires_grad, t.shape)


def ones_like(t: Tensor, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return _like(ones, t, dtype, device, requires_grad, t.shape)


def full_like(t: Tensor, fill_value, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return _like(full, t, dtype, device, requires_grad, t.shape, fill_value)


def rand_like(t: Tensor, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return _like(rand, t, dtype, device, requires_grad, t.shape)


def randn_like(t: Tensor, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return _like(randn, t, dtype, device, requires_grad, t.shape)
