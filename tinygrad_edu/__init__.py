"""tinygrad_edu: a small deep learning framework for teaching how deep learning frameworks work."""
from .scalar import Value
from .tensor import (
    Tensor,
    arange,
    avg_pool2d,
    bool_,
    broadcast_to,
    cat,
    chunk,
    concatenate,
    conv2d,
    detect_anomaly,
    dropout,
    einsum,
    empty,
    enable_grad,
    eye,
    float32,
    float64,
    from_numpy,
    full,
    full_like,
    gather,
    grad,
    gradcheck,
    int32,
    int64,
    is_grad_enabled,
    linspace,
    manual_seed,
    matmul,
    max_pool2d,
    maximum,
    minimum,
    name_scope,
    no_grad,
    ones,
    ones_like,
    pad,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    split,
    stack,
    tensor,
    where,
    zeros,
    zeros_like,
)
from .tensor import FUNCTION_FORMS as _FUNCTION_FORMS
from .viz import draw, snapshot
from . import data, distributed, nn, optim
from .io import load, save
from .static import Graph, jit, load_graph, trace
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
__all__ += ["Graph", "jit", "load_graph", "trace"]
__all__ += ["conv2d", "max_pool2d", "avg_pool2d", "dropout", "einsum"]
globals().update(_FUNCTION_FORMS)
__all__ += list(_FUNCTION_FORMS)
