"""Weight initializers, named as in `torch.nn.init`; each fills a Tensor in place and returns it.

Why the scale matters: a layer's output variance is fan_in * Var(w) * Var(x). Xavier keeps it
steady for tanh/sigmoid layers, Kaiming for ReLU layers (which zero half the signal).
Random numbers come from the generator that `tinygrad_edu.manual_seed` seeds, so lessons repeat.
"""
import math
import warnings

import numpy as np

from ..backend import device_of, to_device
from ..tensor import generator


def _fill(tensor, values):
    tensor.array[...] = to_device(np.asarray(values, dtype=tensor.array.dtype), device_of(tensor.array))
    return tensor


def _shape(tensor):
    return tuple(tensor.array.shape)


def calculate_fan_in_and_fan_out(tensor):
    """(fan_in, fan_out): inputs and outputs of one unit; conv kernels count every kernel position."""
    shape = _shape(tensor)
    if len(shape) < 2:
        raise ValueError(f"init: fan in and fan out need a tensor with at least 2 dimensions, "
                         f"got shape {shape}")
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def calculate_gain(nonlinearity, param=None):
    """The factor that keeps activations' variance steady through `nonlinearity`."""
    gains = {"linear": 1.0, "conv1d": 1.0, "conv2d": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3,
             "relu": math.sqrt(2.0), "selu": 3.0 / 4}
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity not in gains:
        raise ValueError(f"calculate_gain: unknown nonlinearity {nonlinearity!r}; expected one of "
                         f"{sorted(gains) + ['leaky_relu']}")
    return gains[nonlinearity]


def uniform_(tensor, a=0.0, b=1.0):
    return _fill(tensor, generator().uniform(a, b, size=_shape(tensor)))


def normal_(tensor, mean=0.0, std=1.0):
    return _fill(tensor, generator().normal(mean, std, size=_shape(tensor)))


def constant_(tensor, val):
    return _fill(tensor, np.full(_shape(tensor), val))


def zeros_(tensor):
    return constant_(tensor, 0.0)


def ones_(tensor):
    return constant_(tensor, 1.0)


def xavier_uniform_(tensor, gain=1.0):
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound)


def xavier_normal_(tensor, gain=1.0):
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)))


def _kaiming_std(tensor, a, mode, nonlinearity):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"kaiming init: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan = calculate_fan_in_and_fan_out(tensor)[0 if mode == "fan_in" else 1]
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def _no_elements(tensor) -> bool:
    """PyTorch's rule: Kaiming init of a tensor with no elements (Linear(0, 3)) warns and does nothing."""
    if tensor.array.size:
        return False
    warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=3)
    return True


def kaiming_uniform_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu"):
    if _no_elements(tensor):
        return tensor
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound)


def kaiming_normal_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu"):
    if _no_elements(tensor):
        return tensor
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity))


def default_linear_init_(weight, bias):
    """PyTorch's default for Linear and Conv: weights ~ U(±1/sqrt(fan_in)), and the same bound for bias."""
    kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in = calculate_fan_in_and_fan_out(weight)[0]
        bound = 1 / math.sqrt(fan_in) if fan_in else 0.0
        uniform_(bias, -bound, bound)
