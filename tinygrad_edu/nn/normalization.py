"""BatchNorm1d/2d and LayerNorm: normalize activations so deep nets train with larger steps."""
import numbers

import numpy as np

from ..tensor import Tensor
from ..tensor.args import int_arg, ints
from ..tensor.dtypes import DEFAULT_FLOAT
from . import functional as F
from . import init
from .linear import empty_parameter
from .module import Module


class _BatchNorm(Module):
    """Per-channel normalization over the batch, with running statistics for eval mode."""

    expected_ndim: tuple[int, ...] = (2, 3)

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
                 bias=True):
        super().__init__()
        num_features = int_arg(num_features, type(self).__name__, "num_features")
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        self.register_parameter("weight", empty_parameter(num_features) if affine else None)
        self.register_parameter("bias", empty_parameter(num_features) if affine and bias else None)
        if affine:
            init.ones_(self.weight)
        if track_running_stats:
            self.register_buffer("running_mean", Tensor(np.zeros(num_features, dtype=DEFAULT_FLOAT)))
            self.register_buffer("running_var", Tensor(np.ones(num_features, dtype=DEFAULT_FLOAT)))
            self.register_buffer("num_batches_tracked", Tensor(np.array(0, dtype=np.int64)))
        else:
            self.running_mean = self.running_var = None

    def forward(self, x):
        name = type(self).__name__
        if x.ndim not in self.expected_ndim or x.shape[1] != self.num_features:
            raise ValueError(f"{name}: expected input with {self.expected_ndim} dims and {self.num_features} "
                             f"channels on axis 1, got shape {tuple(x.shape)}")
        use_batch = self.training or not self.track_running_stats
        if self.training and self.track_running_stats:
            self.num_batches_tracked.array += 1
        running = (self.running_mean, self.running_var) if self.track_running_stats else (None, None)
        return F.batch_norm(x, *running, self.weight, self.bias, use_batch, self.momentum, self.eps)

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """For (N, C) or (N, C, L) inputs."""


class BatchNorm2d(_BatchNorm):
    """For (N, C, H, W) image batches."""

    expected_ndim = (4,)


class LayerNorm(Module):
    """Normalize each sample over its last axes (`normalized_shape`), then scale and shift."""

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True):
        super().__init__()
        given = (normalized_shape,) if isinstance(normalized_shape, numbers.Integral) else normalized_shape
        shape = ints(given, "LayerNorm", "normalized_shape", normalized_shape)
        if any(s < 0 for s in shape):
            raise ValueError(f"LayerNorm: normalized_shape must hold sizes >= 0, got {normalized_shape!r}")
        self.normalized_shape, self.eps, self.elementwise_affine = shape, eps, elementwise_affine
        self.register_parameter("weight", empty_parameter(*shape) if elementwise_affine else None)
        self.register_parameter("bias", empty_parameter(*shape) if elementwise_affine and bias else None)
        if self.weight is not None:
            init.ones_(self.weight)

    def forward(self, x):
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
                f"bias={self.bias is not None}")
