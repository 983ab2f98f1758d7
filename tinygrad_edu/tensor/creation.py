"""Creation functions (zeros, ones, arange, randn, randperm, multinomial, ...), as in PyTorch.

Random draws come from a `Generator` (random.py): the one passed as `generator=`, else the default one
that `manual_seed` seeds. New tensors go to the default device and floats get the default dtype unless
`device=`/`dtype=` say otherwise; `name=` labels a tensor in drawings.
"""

import numbers

import numpy as np

from .. import backend
from . import device as _device
from . import dtypes
from .args import shape_arg
from .core import Tensor, _wrap
from .random import Generator, default_generator, manual_seed, numpy_rng

__all__ = ["Generator", "default_generator", "manual_seed"]


def generator() -> np.random.Generator:
    """The default generator's NumPy Generator (dropout masks and nn.init draw from it)."""
    return default_generator.numpy


def _finish(host: np.ndarray, dtype, device, requires_grad: bool, where: str, name=None) -> Tensor:
    dt = dtypes.DEFAULT_FLOAT if dtype is None else dtypes.to_dtype(dtype, where)
    array = host.astype(dt, copy=False)
    device = _device.default if device is None else device
    if device is not None:
        array = backend.to_device(array, device)
    t = _wrap(array, None, (), False)
    t.name = name
    if requires_grad:
        t.requires_grad_(True)
    return t


def tensor(data, dtype=None, device=None, requires_grad: bool = False, name=None, label=None) -> Tensor:
    """tinygrad_edu.tensor([...]) like torch.tensor: copies the data (host data to the default device);
    `name` labels it in drawings."""
    kind = type(data)
    on_a_device = isinstance(data, Tensor) or kind in backend.XP_BY_TYPE and kind is not np.ndarray
    if device is None and not on_a_device:
        device = _device.default
    return Tensor(data, requires_grad=requires_grad, dtype=dtype, device=device, name=name, label=label)


def from_numpy(array: np.ndarray) -> Tensor:
    """Share memory with a NumPy array (no copy), like torch.from_numpy."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(array).__name__}")
    dtypes.check_numeric(array.dtype, "from_numpy", "an array")
    return _wrap(array, None, (), False)


def zeros(*shape, dtype=None, device=None, requires_grad: bool = False, name=None) -> Tensor:
    return _finish(np.zeros(shape_arg(shape, "zeros")), dtype, device, requires_grad, "zeros", name)


def ones(*shape, dtype=None, device=None, requires_grad: bool = False, name=None) -> Tensor:
    return _finish(np.ones(shape_arg(shape, "ones")), dtype, device, requires_grad, "ones", name)


def full(size, fill_value, dtype=None, device=None, requires_grad: bool = False, name=None) -> Tensor:
    if dtype is None:
        dtype = dtypes.infer_dtype(np.asarray(fill_value), from_python=True)
    host = np.full(shape_arg((size,), "full"), fill_value)
    return _finish(host, dtype, device, requires_grad, "full", name)


def empty(*shape, dtype=None, device=None, requires_grad: bool = False, name=None) -> Tensor:
    """Zeros (PyTorch leaves the memory uninitialized; here a fresh tensor always reads 0)."""
    return zeros(*shape, dtype=dtype, device=device, requires_grad=requires_grad, name=name)


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad: bool = False,
           name=None) -> Tensor:
    """arange(5) -> 0..4 (int64 for int arguments, the default float type if any argument is a float)."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise ValueError("arange: step must be nonzero")
    host = np.arange(start, end, step)
    if dtype is None:
        dtype = dtypes.infer_dtype(host, from_python=True)
    return _finish(host, dtype, device, requires_grad, "arange", name)


def linspace(start, end, steps: int, dtype=None, device=None, requires_grad: bool = False,
             name=None) -> Tensor:
    if steps < 0:
        raise ValueError(f"linspace: steps must be non-negative, got {steps}")
    return _finish(np.linspace(start, end, int(steps)), dtype, device, requires_grad, "linspace", name)


def eye(n: int, m=None, dtype=None, device=None, requires_grad: bool = False, name=None) -> Tensor:
    return _finish(np.eye(n, m), dtype, device, requires_grad, "eye", name)


def rand(*shape, generator=None, dtype=None, device=None, requires_grad: bool = False, name=None) -> Tensor:
    """Uniform on [0, 1)."""
    host = numpy_rng(generator, "rand").random(shape_arg(shape, "rand"))
    return _finish(host, dtype, device, requires_grad, "rand", name)


def randn(*shape, generator=None, dtype=None, device=None, requires_grad: bool = False, name=None) -> Tensor:
    """Standard normal."""
    host = numpy_rng(generator, "randn").standard_normal(shape_arg(shape, "randn"))
    return _finish(host, dtype, device, requires_grad, "randn", name)


def randint(low, high=None, size=(), *, generator=None, dtype=None, device=None, requires_grad: bool = False,
            name=None) -> Tensor:
    """Integers in [low, high) (int64 by default): randint(10, (3,)) or randint(2, 5, (3,))."""
    if high is None:
        low, high = 0, low
    if not low < high:
        raise ValueError(f"randint: expected low < high, got low={low}, high={high}")
    host = numpy_rng(generator, "randint").integers(low, high, size=shape_arg((size,), "randint"))
    return _finish(host, dtypes.int64 if dtype is None else dtype, device, requires_grad, "randint", name)


def randperm(n, *, generator=None, dtype=None, device=None, requires_grad: bool = False, name=None) -> Tensor:
    """A random permutation of 0..n-1 (int64)."""
    if not isinstance(n, numbers.Integral) or n < 0:
        raise ValueError(f"randperm: n must be a non-negative int, got {n!r}")
    host = numpy_rng(generator, "randperm").permutation(int(n))
    return _finish(host, dtypes.int64 if dtype is None else dtype, device, requires_grad, "randperm", name)


def _like(fn, t: Tensor, dtype, device, requires_grad, *args) -> Tensor:
    return fn(
        *args,
        dtype=t.dtype if dtype is None else dtype,
        device=t.device if device is None else device,
        requires_grad=requires_grad,
    )


def zeros_like(input: Tensor, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return _like(zeros, input, dtype, device, requires_grad, input.shape)


def ones_like(input: Tensor, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return _like(ones, input, dtype, device, requires_grad, input.shape)


empty_like = zeros_like


def full_like(input: Tensor, fill_value, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return _like(full, input, dtype, device, requires_grad, input.shape, fill_value)


def rand_like(input: Tensor, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return _like(rand, input, dtype, device, requires_grad, input.shape)


def randn_like(input: Tensor, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return _like(randn, input, dtype, device, requires_grad, input.shape)


def randint_like(input: Tensor, low, high=None, dtype=None, device=None,
                 requires_grad: bool = False) -> Tensor:
    return randint(low, high, input.shape, dtype=input.dtype if dtype is None else dtype,
                   device=input.device if device is None else device, requires_grad=requires_grad)
