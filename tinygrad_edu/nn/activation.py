"""Activations as modules, so they show up in `Sequential` and in the repr tree.

`inplace=True` is accepted as in PyTorch; see nn.functional._in_place for what it does here."""
from typing import Callable

from ..tensor import dim_or_axis
from . import functional as F
from .module import Module


class _Activation(Module):
    """A module around one nn.functional activation; `options` are its keyword arguments."""

    function: Callable

    def __init__(self, inplace=False, **options):
        super().__init__()
        self.inplace, self.options = inplace, options

    def forward(self, x):
        return type(self).function(x, **self.options, inplace=self.inplace)

    def extra_repr(self):
        shown = [f"{k}={v}" for k, v in self.options.items()] + (["inplace=True"] if self.inplace else [])
        return ", ".join(shown)


class ReLU(_Activation):
    function = F.relu


class ReLU6(_Activation):
    function = F.relu6


class LeakyReLU(_Activation):
    function = F.leaky_relu

    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__(inplace, negative_slope=negative_slope)

    @property
    def negative_slope(self):
        return self.options["negative_slope"]


class ELU(_Activation):
    function = F.elu

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__(inplace, alpha=alpha)


class CELU(_Activation):
    function = F.celu

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__(inplace, alpha=alpha)


class SELU(_Activation):
    function = F.selu


class SiLU(_Activation):
    function = F.silu


class Mish(_Activation):
    function = F.mish


class Hardtanh(_Activation):
    function = F.hardtanh

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False):
        super().__init__(inplace, min_val=min_val, max_val=max_val)


class Softplus(Module):
    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, x):
        return F.softplus(x, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class Softsign(Module):
    def forward(self, x):
        return F.softsign(x)


class LogSigmoid(Module):
    def forward(self, x):
        return F.logsigmoid(x)


class GELU(Module):
    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, x):
        return F.gelu(x, self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class Tanh(Module):
    def forward(self, x):
        return F.tanh(x)


class Sigmoid(Module):
    def forward(self, x):
        return F.sigmoid(x)


class Softmax(Module):
    def __init__(self, dim=None, axis=None):
        super().__init__()
        self.dim = dim_or_axis(dim, axis, "Softmax", default=-1)

    def forward(self, x):
        return F.softmax(x, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmin(Softmax):
    def forward(self, x):
        return F.softmin(x, self.dim)


class LogSoftmax(Softmax):
    def forward(self, x):
        return F.log_softmax(x, self.dim)
