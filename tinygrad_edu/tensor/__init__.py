"""The tensor engine: define-by-run autodiff over arrays (NumPy on cpu, CuPy on cuda).

Where to read: core.py (the node and `apply`), autograd.py (the backward walk), then the method
families (elementwise.py, math.py, reduce.py, scan.py, movement.py, matrix.py, inplace.py) and the ops
they apply (tinygrad_edu/ops/).
"""
from .args import dim_or_axis
from .autograd import backward, grad
from .conv import avg_pool2d, conv2d, max_pool2d
from .core import Tensor, apply, expect_tensor, to_numpy
from .creation import (
    arange,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    generator,
    linspace,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from .device import device, get_default_device, set_default_device
from .dtypes import (
    bool_,
    float16,
    float32,
    float64,
    get_default_dtype,
    int8,
    int16,
    int32,
    int64,
    set_default_dtype,
    uint8,
)
from .function import Function
from .functions import (
    FUNCTION_FORMS,
    broadcast_to,
    cat,
    chunk,
    concatenate,
    dropout,
    einsum,
    gather,
    hstack,
    is_tensor,
    matmul,
    maximum,
    meshgrid,
    minimum,
    numel,
    pad,
    split,
    stack,
    vstack,
    where,
)
from .grad_mode import (
    detect_anomaly,
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_detect_anomaly,
    set_grad_enabled,
)
from .gradcheck import gradcheck
from .random import (
    Generator,
    default_generator,
    get_rng_state,
    initial_seed,
    manual_seed,
    seed,
    set_rng_state,
)
from .reduce import MinMaxResult
from .sampling import bernoulli, multinomial, normal
from .scope import name_scope
