"""The tensor engine: define-by-run autodiff over arrays (NumPy on cpu, CuPy on cuda).

Where to read: core.py (the node and `apply`), autograd.py (the backward walk), then the method
families (elementwise.py, reduce.py, movement.py) and the ops they apply (tinygrad_edu/ops/).
"""
from .args import dim_or_axis
from .autograd import backward, grad
from .conv import avg_pool2d, conv2d, max_pool2d
from .core import Tensor, apply, expect_tensor, to_numpy
from .creation import (
    arange,
    empty,
    eye,
    from_numpy,
    full,
    full_like,
    generator,
    linspace,
    manual_seed,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    tensor,
    zeros,
    zeros_like,
)
from .dtypes import bool_, float32, float64, int32, int64
from .functions import (
    FUNCTION_FORMS,
    broadcast_to,
    cat,
    chunk,
    concatenate,
    dropout,
    einsum,
    gather,
    matmul,
    maximum,
    minimum,
    pad,
    split,
    stack,
    where,
)
from .grad_mode import detect_anomaly, enable_grad, is_grad_enabled, no_grad
from .gradcheck import gradcheck
from .reduce import MinMaxResult
from .scope import name_scope
