"""Linear, Bilinear, Identity and Flatten."""
import math

import numpy as np

from ..tensor.args import int_arg
from ..tensor.dtypes import DEFAULT_FLOAT
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter


def empty_parameter(*shape):
    """A zero Parameter in the default float type, for an initializer to fill."""
    return Parameter(np.zeros(shape, dtype=DEFAULT_FLOAT))


class Identity(Module):
    """Returns its input: a placeholder where a layer is optional."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, x):
        return x


class Linear(Module):
    """y = x Wᵀ + b, with W of shape (out_features, in_features), initialized like PyTorch."""

    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features = int_arg(in_features, "Linear", "in_features")
        self.out_features = int_arg(out_features, "Linear", "out_features")
        self.weight = empty_parameter(out_features, in_features)
        self.register_parameter("bias", empty_parameter(out_features) if bias else None)
        init.default_linear_init_(self.weight, self.bias)

    def forward(self, x):
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self):
        has_bias = self.bias is not None
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={has_bias}"


class Bilinear(Module):
    """y = x1ᵀ A x2 + b for each output feature, with A of shape (out, in1, in2)."""

    def __init__(self, in1_features, in2_features, out_features, bias=True):
        super().__init__()
        self.in1_features = int_arg(in1_features, "Bilinear", "in1_features")
        self.in2_features = int_arg(in2_features, "Bilinear", "in2_features")
        self.out_features = int_arg(out_features, "Bilinear", "out_features")
        self.weight = empty_parameter(out_features, in1_features, in2_features)
        self.register_parameter("bias", empty_parameter(out_features) if bias else None)
        bound = 1 / math.sqrt(in1_features) if in1_features else 0.0
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x1, x2):
        return F.bilinear(x1, x2, self.weight, self.bias)

    def extra_repr(self):
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")


class Flatten(Module):
    """Merge axes start_dim..end_dim into one (by default all but the batch axis)."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x):
        ndim = max(x.ndim, 1)  # a 0-d input counts as one axis, as in torch.flatten
        if not (-ndim <= self.start_dim < ndim and -ndim <= self.end_dim < ndim):
            raise IndexError(f"Flatten: start_dim={self.start_dim}, end_dim={self.end_dim} are out of range "
                             f"for an input of shape {x.shape} ({x.ndim} dimensions)")
        return x.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
