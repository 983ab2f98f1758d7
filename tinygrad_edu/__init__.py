"""tinygrad_edu: a small deep learning framework for teaching how deep learning frameworks work.

Its public names follow PyTorch's (`tinygrad_edu.tensor`, `.nn`, `.optim`, `.utils.data`, `.autograd`,
`.cuda`, ...), so PyTorch teaching code runs with `import tinygrad_edu as torch` (and whole scripts with
`python -m tinygrad_edu.as_torch script.py`, which also answers `import torch.nn as nn` and friends).
"""
import numpy as _np

from .scalar import Value
from .tensor import (
    Generator,
    Tensor,
    arange,
    avg_pool2d,
    bernoulli,
    bool_,
    broadcast_to,
    cat,
    chunk,
    concatenate,
    conv2d,
    default_generator,
    detect_anomaly,
    device,
    dropout,
    einsum,
    empty,
    empty_like,
    enable_grad,
    eye,
    float16,
    float32,
    float64,
    from_numpy,
    full,
    full_like,
    gather,
    get_default_device,
    get_default_dtype,
    get_rng_state,
    grad,
    gradcheck,
    hstack,
    inference_mode,
    initial_seed,
    int8,
    int16,
    int32,
    int64,
    is_grad_enabled,
    is_inference_mode_enabled,
    is_tensor,
    linspace,
    manual_seed,
    matmul,
    max_pool2d,
    maximum,
    meshgrid,
    minimum,
    multinomial,
    name_scope,
    no_grad,
    normal,
    numel,
    ones,
    ones_like,
    pad,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
    seed,
    set_default_device,
    set_default_dtype,
    set_grad_enabled,
    set_rng_state,
    split,
    stack,
    tensor,
    uint8,
    vstack,
    where,
    zeros,
    zeros_like,
)
from .tensor import FUNCTION_FORMS as _FUNCTION_FORMS
from .tensor.dtypes import ALIASES as _DTYPE_ALIASES
from .viz import draw, snapshot
from . import autograd, backends, cuda, data, distributed, nn, optim, utils
from .io import load, save
from .static import Graph, jit, load_graph, trace
from .training import fit

__all__ = ["Value", "name_scope", "draw", "snapshot"]
__all__ += [
    "Tensor", "tensor", "from_numpy", "zeros", "ones", "full", "empty", "arange", "linspace", "eye", "rand",
    "randn", "randint", "randperm", "zeros_like", "ones_like", "full_like", "empty_like", "rand_like",
    "randn_like", "randint_like", "multinomial", "normal", "bernoulli", "manual_seed", "seed", "initial_seed",
    "get_rng_state", "set_rng_state", "Generator", "default_generator", "device", "set_default_device",
    "get_default_device", "set_default_dtype", "get_default_dtype", "no_grad", "enable_grad",
    "inference_mode", "set_grad_enabled", "is_grad_enabled", "is_inference_mode_enabled", "grad", "gradcheck",
    "detect_anomaly", "cat", "concatenate", "stack", "hstack", "vstack", "meshgrid", "split", "chunk",
    "where", "maximum", "minimum", "matmul", "gather", "pad", "broadcast_to", "is_tensor", "numel",
    "float16", "float32", "float64", "uint8", "int8", "int16", "int32", "int64", "bool_", "finfo", "iinfo",
]
__all__ += ["nn", "optim", "data", "distributed", "utils", "autograd", "cuda", "backends", "save",
            "load"]
__all__ += ["fit"]
__all__ += ["Graph", "jit", "load_graph", "trace"]
__all__ += ["conv2d", "max_pool2d", "avg_pool2d", "dropout", "einsum"]
finfo, iinfo = _np.finfo, _np.iinfo  # limits of a dtype: finfo(float32).eps, iinfo(int64).max
globals().update(_DTYPE_ALIASES)  # PyTorch's names: tinygrad_edu.float, .double, .long, .int, .bool, .half
__all__ += list(_DTYPE_ALIASES)
globals().update(_FUNCTION_FORMS)
__all__ += list(_FUNCTION_FORMS)
