"""Convolution and pooling layers; the arithmetic lives in `tinygrad_edu.tensor.conv` (and F.conv1d)."""
import numbers

from ..tensor import avg_pool2d, conv2d, max_pool2d
from ..tensor.args import int_arg, ints
from . import functional as F
from . import init
from .linear import empty_parameter
from .module import Module


def _kernel(value, n: int, name: str) -> tuple:
    """kernel_size as n ints >= 1 (one int stands for all n)."""
    sizes = ints((value,) * n if isinstance(value, numbers.Integral) else value, name, "kernel_size")
    if len(sizes) != n or min(sizes) < 1:
        raise ValueError(f"{name}: kernel_size must be an int >= 1 or {n} of them, got {value!r}")
    return sizes


class _ConvNd(Module):
    """Shared by Conv1d and Conv2d: weight (out, in/groups, *kernel), PyTorch's default init."""

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias):
        super().__init__()
        name = type(self).__name__
        in_channels = int_arg(in_channels, name, "in_channels")
        out_channels = int_arg(out_channels, name, "out_channels")
        groups = int_arg(groups, name, "groups", minimum=1)
        if in_channels % groups or out_channels % groups:
            raise ValueError(f"{name}: in_channels ({in_channels}) and out_channels ({out_channels}) "
                             f"must both be divisible by groups ({groups})")
        self.in_channels, self.out_channels, self.kernel_size = in_channels, out_channels, kernel_size
        self.stride, self.padding, self.dilation, self.groups = stride, padding, dilation, groups
        self.weight = empty_parameter(out_channels, in_channels // groups, *kernel_size)
        self.register_parameter("bias", empty_parameter(out_channels) if bias else None)
        init.default_linear_init_(self.weight, self.bias)

    def extra_repr(self):
        """PyTorch's format: tuples per spatial axis, defaults left out."""
        n = len(self.kernel_size)
        tup = lambda v: v if isinstance(v, (tuple, str)) else (v,) * n
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}"
        text += f", stride={tup(self.stride)}"
        if tup(self.padding) != (0,) * n:
            text += f", padding={tup(self.padding)}"
        if tup(self.dilation) != (1,) * n:
            text += f", dilation={tup(self.dilation)}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        return text + ("" if self.bias is not None else ", bias=False")


class Conv1d(_ConvNd):
    """Slide `out_channels` filters of width kernel_size along a sequence (N, C, L)."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True):
        kernel = _kernel(kernel_size, 1, "Conv1d")
        super().__init__(in_channels, out_channels, kernel, stride, padding, dilation, groups, bias)

    def forward(self, x):
        return F.conv1d(x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class Conv2d(_ConvNd):
    """Slide `out_channels` filters of size kernel_size over an image batch (N, C, H, W)."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True):
        kernel = _kernel(kernel_size, 2, "Conv2d")
        super().__init__(in_channels, out_channels, kernel, stride, padding, dilation, groups, bias)

    def forward(self, x):
        return conv2d(x, self.weight, self.bias, stride=self.stride, padding=self.padding,
                         dilation=self.dilation, groups=self.groups)


class MaxPool2d(Module):
    """Keep the largest value of each kernel_size window (stride defaults to kernel_size)."""

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, stride or kernel_size, padding
        self.dilation, self.ceil_mode = dilation, ceil_mode

    def forward(self, x):
        return max_pool2d(x, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class AvgPool2d(Module):
    """Average each kernel_size window (stride defaults to kernel_size)."""

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, stride or kernel_size, padding

    def forward(self, x):
        return avg_pool2d(x, self.kernel_size, self.stride, self.padding)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Average into a fixed output size whatever the input size (bins as in PyTorch)."""

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, x):
        return F.adaptive_avg_pool2d(x, self.output_size)

    def extra_repr(self):
        return f"output_size={self.output_size}"


