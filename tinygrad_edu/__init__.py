"""tinygrad_edu: a small deep learning framework for teaching how deep learning frameworks work."""
from .scope import name_scope
from .scalar import Value
from .autograd import grad
from .creation import (
    arange,
    empty,
    eye,
    from_numpy,
    full,
    full_like,
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
from .gradcheck import gradcheck
from .grad_mode import detect_anomaly, enable_grad, is_grad_enabled, no_grad
from .tensor import (
    Tensor,
    broadcast_to,
    cat,
    chunk,
    concatenate,
    gather,
    matmul,
    maximum,
    minimum,
    pad,
    split,
    stack,
    where,
)
from . import function_forms as _function_forms
from .functional_conv import avg_pool2d, conv2d, dropout, einsum, max_pool2d
from .viz import draw, snapshot
from . import data, distributed, nn, optim
from .serialization import load, save
from .training import fit

__all__ = ["Value", "name_scope", "draw", "snapshot"]
__all__ += [
    "Tensor", "tensor", "from_numpy", "zeros", "ones", "full", "empty", "arange", "linspace", "eye", "rand",
    "randn", "randint", "zeros_like", "ones_like", "full_like", "rand_like", "randn_like", "manual_seed",
    "no_grad", "enable_grad", "is_grad_enabled", "grad", "gradcheck", "detect_anomaly", "cat", "concatenate",
    "stack", "split", "chunk", "where", "maximum", "minimum", "matmul", "gather", "pad", "broadcast_to",
    "float32", "float64", "int32", "int64", "bool_",
]
__all__ += ["nn", "optim", "data", "distributed", "save", "load"]
__all__ += ["fit"]
__all__ += ["conv2d", "max_pool2d", "avg_pool2d", "dropout", "einsum"]
globals().update({name: getattr(_function_forms, name) for name in _function_forms.NAMES})
__all__ += list(_function_forms.NAMES)
