"""Dtypes and PyTorch-style type promotion.

Why a module of its own: NumPy's promotion differs from PyTorch's (int64 + float32 gives float64 in
NumPy, float32 in PyTorch). Students compare against PyTorch, so the engine promotes like PyTorch and
then hands NumPy operands that already share one dtype.
"""

import numbers

import numpy as np

float32 = np.dtype("float32")
float64 = np.dtype("float64")
int32 = np.dtype("int32")
int64 = np.dtype("int64")
bool_ = np.dtype("bool")

DEFAULT_FLOAT = float32
_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}
_PYTHON_TYPES: dict = {float: float32, int: int64, bool: bool_}


def to_dtype(dtype, where: str) -> np.dtype:
    """Turn "float32", np.float32, float or a dtype into a NumPy dtype; `where` names the caller in errors."""
    if isinstance(dtype, np.dtype):
        return dtype
    if dtype in _PYTHON_TYPES:
        return _PYTHON_TYPES[dtype]
    try:
        out = np.dtype(dtype)
    except TypeError as err:
        raise TypeError(
            f"{where}: expected a dtype such as 'float32' or tinygrad_edu.float64, got {dtype!r}"
        ) from err
    check_numeric(out, where)
    return out


def is_float(dtype: np.dtype) -> bool:
    return dtype.kind == "f"


_NOT_NUMBERS = {"O": "Python objects", "U": "strings", "S": "bytes", "M": "datetimes", "m": "time deltas",
                "c": "complex numbers (not supported yet)", "V": "structured records"}


def check_numeric(dtype: np.dtype, where: str, source=None) -> None:
    """Tensors hold bool, integer or floating point numbers; anything else is refused where it arrives
    (an object or string array would otherwise fail later, deep inside NumPy). `source` says what the
    data came from; None means a dtype argument."""
    if dtype.kind in "biuf":
        return
    what = _NOT_NUMBERS.get(dtype.kind, "values that are not numbers")
    origin = f"from {source}: it holds {what} (NumPy dtype {dtype})" if source else \
        f"of dtype {dtype}: that dtype holds {what}"
    raise TypeError(f"{where}: cannot make a tensor {origin}; tensors hold bool, integer and floating "
                    "point numbers")


def promote_types(a: np.dtype, b: np.dtype) -> np.dtype:
    """PyTorch rule: a higher category (bool < int < float) wins outright; within one, the wider type."""
    if a == b:
        return a
    ca, cb = _CATEGORY[a.kind], _CATEGORY[b.kind]
    if ca != cb:
        return a if ca > cb else b
    return np.promote_types(a, b)


def promote_tensor_dtypes(a: np.dtype, a_ndim: int, b: np.dtype, b_ndim: int) -> np.dtype:
    """Like PyTorch, a 0-d tensor acts like a Python number: it cannot widen a dimensioned tensor's type
    within the same category (float32 matrix * float64 0-d tensor stays float32)."""
    if a_ndim == 0 and b_ndim != 0 and _CATEGORY[a.kind] <= _CATEGORY[b.kind]:
        return b
    if b_ndim == 0 and a_ndim != 0 and _CATEGORY[b.kind] <= _CATEGORY[a.kind]:
        return a
    return promote_types(a, b)


def scalar_dtype(tensor_dtype: np.dtype, value) -> np.dtype:
    """Dtype a Python number takes when combined with a tensor: floats don't upcast float32, ints keep int
    tensors' width, and any number makes a bool tensor's result numeric."""
    if isinstance(value, (bool, np.bool_)):
        return tensor_dtype
    if isinstance(value, numbers.Integral):
        return int64 if tensor_dtype.kind == "b" else tensor_dtype
    if isinstance(value, numbers.Real):
        return tensor_dtype if tensor_dtype.kind in "fc" else DEFAULT_FLOAT
    raise TypeError(f"expected a Tensor or a Python number, got {type(value).__name__}")


def infer_dtype(host_array: np.ndarray, from_python: bool) -> np.dtype:
    """Default dtype of new data: Python floats become float32 (PyTorch's default); NumPy arrays keep
    their dtype, as torch.tensor(ndarray) does."""
    if from_python and host_array.dtype == np.float64:
        return DEFAULT_FLOAT
    return host_array.dtype
