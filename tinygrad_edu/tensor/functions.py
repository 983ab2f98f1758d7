"""Functions on several tensors (cat, stack, pad, where, einsum, dropout, ...) and the function forms of
Tensor methods (`tinygrad_edu.exp(x)` is `x.exp()`, as `torch.exp(x)` is in PyTorch).

Each checks its arguments (naming the function and the shapes) and then applies ops, so each gets its
gradient from those ops' backward. A function form forwards to the method of the same name, so there is
one implementation; a non-Tensor first argument is turned into a tensor first.
"""
import numbers

from .. import backend
from ..errors import ShapeError
from ..ops import shape as S
from ..ops.dropout import Dropout
from ..ops.einsum import Einsum, check_sizes, normalize_equation
from . import creation, dtypes
from .args import dim_or_axis, one_axis
from .core import Tensor, _binary, _constant, apply, expect_tensor
from .elementwise import _MATMUL, _MAXIMUM, _MINIMUM


def _same_shapes_except(tensors, axis, where):
    first = tensors[0].array.shape
    if all(t.array.shape == first for t in tensors):   # the usual case (a layer's 50 time steps)
        return
    for t in tensors[1:]:
        if len(t.shape) != len(first) or any(
            x != y for i, (x, y) in enumerate(zip(t.shape, first)) if i != axis
        ):
            shapes = ", ".join(str(u.shape) for u in tensors)
            rule = "must all be equal" if axis is None else f"must match except along dim {axis}"
            raise ShapeError(f"{where}: shapes {rule}, got {shapes}")


def _common(tensors, where):
    if not tensors:
        raise ValueError(f"{where}: expected a non-empty sequence of tensors")
    tensors = [t if isinstance(t, Tensor) else Tensor(t) for t in tensors]
    common = tensors[0].dtype
    if all(t.array.dtype == common for t in tensors):     # nothing to promote: the usual case
        return tensors
    for t in tensors[1:]:
        common = dtypes.promote_types(common, t.dtype)
    return [t._cast(common) for t in tensors]


def cat(tensors, dim=None, *, axis=None) -> Tensor:
    tensors = _common(list(tensors), "cat")
    if any(t.ndim == 0 for t in tensors):
        raise ShapeError(f"cat: 0-d tensors cannot be concatenated (shapes "
                         f"{', '.join(str(t.shape) for t in tensors)}); use stack")
    d = one_axis(dim_or_axis(dim, axis, "cat", default=0), tensors[0].ndim, "cat")
    _same_shapes_except(tensors, d, "cat")
    return apply(S.Cat(axis=d), *tensors)


concatenate = cat


def stack(tensors, dim=None, *, axis=None) -> Tensor:
    tensors = _common(list(tensors), "stack")
    d = one_axis(dim_or_axis(dim, axis, "stack", default=0), tensors[0].ndim + 1, "stack")
    _same_shapes_except(tensors, None, "stack")
    return apply(S.Stack(axis=d), *tensors)


def pad(x: Tensor, pad, mode: str = "constant", value: float = 0.0) -> Tensor:
    """torch.nn.functional.pad: `pad` lists (left, right) pairs starting from the LAST dimension."""
    if mode != "constant":
        raise NotImplementedError(f"pad: only mode='constant' is supported, got {mode!r}")
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2 or len(pad) // 2 > x.ndim:
        raise ShapeError(
            f"pad: expected an even number of pad sizes, at most 2 per dimension of {x.shape}, got {pad}"
        )
    if any(p < 0 for p in pad):
        raise ValueError(f"pad: negative padding {pad} is not supported")
    if not any(pad):
        return x
    pairs = [(0, 0)] * x.ndim
    for i in range(len(pad) // 2):
        pairs[x.ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    return apply(S.Pad(pad_width=tuple(pairs), value=value), x)


def where(condition, input, other) -> Tensor:
    """Elements of `input` where `condition` holds, else of `other` (numbers allowed for both)."""
    ref = next((t for t in (input, other, condition) if isinstance(t, Tensor)), None)
    if ref is None:
        raise TypeError("where: expected at least one Tensor argument")
    if not isinstance(input, Tensor):
        if not isinstance(other, Tensor):
            other = _constant(other, ref)
        input = _constant(input, other)
    return input.where(condition, other)


def matmul(input, other) -> Tensor:
    return _binary(_MATMUL, input, other)


def maximum(input, other) -> Tensor:
    return _binary(_MAXIMUM, input, other)


def minimum(input, other) -> Tensor:
    return _binary(_MINIMUM, input, other)


def hstack(tensors) -> Tensor:
    """Join along dim 1 (dim 0 for 1-D tensors), as torch.hstack."""
    tensors = list(tensors)
    return cat(tensors, 0 if tensors and tensors[0].ndim == 1 else 1)


def vstack(tensors) -> Tensor:
    """Join as rows: 1-D tensors become rows first, as torch.vstack."""
    return cat([t.reshape(1, -1) if t.ndim == 1 else t for t in tensors], 0)


def meshgrid(*tensors, indexing: str = "ij") -> tuple:
    """Grids from 1-D tensors, as torch.meshgrid ("ij": matrix indexing; "xy": the first two swapped)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing not in ("ij", "xy"):
        raise ValueError(f"meshgrid: indexing must be 'ij' or 'xy', got {indexing!r}")
    for k, t in enumerate(tensors):
        expect_tensor(t, "meshgrid", f"tensor {k}")
        if t.ndim > 1:
            raise ShapeError(f"meshgrid: expected 1-D tensors, got shape {t.shape} for tensor {k}")
    order = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) > 1:
        order[0], order[1] = 1, 0
    shape = tuple(tensors[i].numel() for i in order)
    grids = []
    for k, t in enumerate(tensors):
        view = [1] * len(tensors)
        view[order.index(k)] = t.numel()
        grids.append(t.reshape(*view).expand(*shape))
    return tuple(grids)


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


def numel(input) -> int:
    return input.numel()


def broadcast_to(x: Tensor, shape) -> Tensor:
    return x.broadcast_to(shape)


def split(x: Tensor, split_size_or_sections, dim=None, *, axis=None) -> tuple:
    return x.split(split_size_or_sections, dim, axis=axis)


def chunk(x: Tensor, chunks: int, dim=None, *, axis=None) -> tuple:
    return x.chunk(chunks, dim, axis=axis)


def gather(x: Tensor, dim: int, index) -> Tensor:
    return x.gather(dim, index)


def dropout(input, p: float = 0.5, training: bool = True) -> Tensor:
    """Zero each element with probability p and scale the rest by 1/(1-p) (training only).

    The keep-mask is drawn from the library's seeded generator (`tinygrad_edu.manual_seed`) and enters
    the graph as an input of the `dropout` node, so the op itself stays pure."""
    expect_tensor(input, "dropout")
    if not isinstance(p, numbers.Real) or not 0 <= p <= 1:
        raise ValueError(f"dropout: p must be a probability between 0 and 1, got {p!r}")
    if not training:
        return input
    if input.dtype.kind != "f":
        raise TypeError(f"dropout: expected a floating-point input, got dtype {input.dtype}")
    keep = creation.generator().random(input.shape) >= p
    mask = Tensor(backend.to_device(keep.astype(input.dtype), input.device), name="dropout mask")
    return apply(Dropout(p=float(p)), input, mask)


def einsum(equation: str, *operands) -> Tensor:
    """Einstein summation like torch.einsum: einsum("ij,jk->ik", a, b), also with "...", an implicit
    output ("ij,jk") or the operands as one list. Gradients flow to every operand."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    for k, t in enumerate(operands):
        expect_tensor(t, "einsum", f"operand {k}")
    if not operands:
        raise ValueError("einsum: expected at least one operand")
    dtypes = {t.dtype for t in operands}
    if len(dtypes) > 1:
        names = ", ".join(str(t.dtype) for t in operands)
        raise TypeError(f"einsum: operands must share one dtype, got {names}")
    explicit = normalize_equation(equation, tuple(t.ndim for t in operands))
    check_sizes(explicit, tuple(t.shape for t in operands))
    return apply(Einsum(equation=explicit), *operands)


METHOD_FORMS = (
    "abs", "amax", "amin", "argmax", "argmin", "clamp", "clip", "cos", "exp", "flatten", "flip", "log",
    "log_softmax", "logsumexp", "max", "mean", "min", "permute", "relu", "reshape", "sigmoid", "sign", "sin",
    "softmax", "sqrt", "square", "squeeze", "std", "sum", "tanh", "transpose", "unsqueeze", "var",
    "index_select", "masked_fill", "repeat", "all", "any",
    # the PyTorch surface of the math, ordering and matrix families (not "trace": tinygrad_edu.trace is
    # the static-graph tracer; the matrix trace is x.trace())
    "add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "pow", "neg", "negative",
    "reciprocal", "rsqrt", "tan", "asin", "acos", "atan", "arcsin", "arccos", "arctan", "sinh", "cosh",
    "asinh", "acosh", "atanh", "arcsinh", "arccosh", "arctanh", "atan2", "arctan2", "log2", "log10", "log1p",
    "expm1", "erf", "erfc", "floor", "ceil", "round", "trunc", "fix", "frac", "fmod", "remainder",
    "floor_divide", "lerp", "isclose", "allclose", "equal", "clamp_min", "clamp_max", "logical_not",
    "logical_and", "logical_or", "logical_xor", "selu", "celu", "prod", "cumsum", "cumprod", "sort",
    "argsort", "msort", "topk", "count_nonzero", "tril", "triu", "diag", "diagonal", "t", "mm",
    "bmm", "mv", "dot", "outer", "ger", "roll", "repeat_interleave", "masked_select", "unflatten",
    "narrow", "movedim", "moveaxis", "swapaxes", "swapdims", "is_floating_point", "clone", "detach",
    "gt", "ge", "lt", "le", "eq", "ne", "nonzero", "argwhere", "unbind", "isfinite", "isinf", "isnan",
)


def _function_form(name: str):
    def function(input, *args, **kwargs):
        tensor = input if isinstance(input, Tensor) else Tensor(input)
        return getattr(tensor, name)(*args, **kwargs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"tinygrad_edu.{name}(x, ...) is x.{name}(...) (see Tensor.{name})."
    return function


FUNCTION_FORMS = {name: _function_form(name) for name in METHOD_FORMS}
