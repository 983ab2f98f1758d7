"""Tensor: an array plus the graph node that made it (define-by-run autodiff).

Every op result remembers its `Op` (`_op`) and its inputs (`_parents`), nothing else: no closures, so
graphs form no reference cycles and can be drawn, re-run and differentiated from these two fields.
Nodes are recorded only when an input requires grad and grad mode is on (as in PyTorch).
"""

import itertools
import math
import numbers
import operator

import numpy as np

from . import backend, dtypes, grad_mode
from . import scope as _scope_state
from .ops import device as D
from .ops import elementwise as E
from .ops import index as I
from .ops import linalg as L
from .ops import reduce as R
from .ops import shape as S
from .scope import current_scope

_new = object.__new__
_creation_counter = itertools.count()
_ADD, _SUB, _MUL, _DIV, _POW = E.Add(), E.Sub(), E.Mul(), E.Div(), E.Pow()
_MAXIMUM, _MINIMUM, _MATMUL = E.Maximum(), E.Minimum(), L.MatMul()
_EXP, _LOG, _SQRT, _SIN, _COS, _TANH = E.Exp(), E.Log(), E.Sqrt(), E.Sin(), E.Cos(), E.Tanh()
_SIGMOID, _ABS, _RELU, _NEG = E.Sigmoid(), E.Abs(), E.Relu(), E.Neg()


def _wrap(data, op, parents: tuple, requires_grad: bool) -> "Tensor":
    """Internal fast constructor: no validation (data is already an array of a known backend)."""
    t = _new(Tensor)
    t.data = data
    t.grad = None
    t.requires_grad = requires_grad
    t.name = None
    t._op = op
    t._parents = parents
    t._scope = _scope_state.current
    t._hooks = None
    t._retains_grad = False
    t._freed = False
    t._seq = next(_creation_counter)
    return t


def apply(op, *tensors: "Tensor") -> "Tensor":
    """Run `op` forward on the tensors' arrays and record a graph node if a gradient can flow."""
    kind = type(tensors[0].data)
    requires = False
    for t in tensors:
        if type(t.data) is not kind:
            raise _device_mismatch(op.name, tensors)
        requires = requires or t.requires_grad
    xp = backend.XP_BY_TYPE[kind]
    out = op.forward(xp, *[t.data for t in tensors])
    return _record(op, xp, kind, out, tensors, requires)


def _record(op, xp, kind, out, tensors: tuple, requires: bool) -> "Tensor":
    """Wrap an op's output, as a graph node when a gradient can flow through it."""
    if type(out) is not kind and isinstance(out, np.generic):  # NumPy returns 0-d results as scalars
        out = np.asarray(out)
    if grad_mode.anomaly:
        _check_finite(op, out, [t.data for t in tensors])
    if requires and grad_mode.enabled and op.differentiable:
        return _wrap(out, op, tensors, True)
    return _wrap(out, None, (), False)


def _apply1(op, x: "Tensor") -> "Tensor":
    """`apply` for one input, without the generic loops."""
    data = x.data
    kind = type(data)
    xp = backend.XP_BY_TYPE[kind]
    return _record(op, xp, kind, op.forward(xp, data), (x,), x.requires_grad)


def _apply2(op, a: "Tensor", b: "Tensor") -> "Tensor":
    """`apply` for the many two-input ops, without the generic loops (a few µs per op matter)."""
    x, y = a.data, b.data
    kind = type(x)
    if type(y) is not kind:
        raise _device_mismatch(op.name, (a, b))
    xp = backend.XP_BY_TYPE[kind]
    return _record(op, xp, kind, op.forward(xp, x, y), (a, b), a.requires_grad or b.requires_grad)


def _device_mismatch(name: str, tensors) -> RuntimeError:
    devices = ", ".join(backend.device_of(t.data) for t in tensors)
    return RuntimeError(
        f"{name}: expected all tensors on one device, got tensors on {devices}; move them with .to()"
    )


def all_finite(array) -> bool:
    """True unless a floating point array holds NaN or Inf (checked with the array's own xp)."""
    xp = backend.XP_BY_TYPE[type(array)]
    return array.dtype.kind != "f" or bool(xp.all(xp.isfinite(array)))


def _check_finite(op, out, arrays) -> None:
    """Anomaly mode: stop at the first op whose result holds NaN or Inf."""
    if all_finite(out):
        return
    inputs_finite = all(all_finite(a) for a in arrays)
    shapes = ", ".join(str(tuple(a.shape)) for a in arrays)
    origin = (
        "from finite inputs" if inputs_finite else "(its inputs already held NaN/Inf: look at the leaves)"
    )
    raise RuntimeError(
        f"anomaly: op '{op.name}'{' ' + str(op.attrs) if op.attrs else ''} produced NaN/Inf {origin}; "
        f"input shapes {shapes}"
    )


def _axes(dim, ndim: int, where: str):
    """Normalize `dim` (None, int or sequence) to None or a sorted tuple of non-negative axes."""
    if type(dim) is int and -ndim <= dim < ndim:  # the common case, kept cheap
        return (dim % ndim,)
    if dim is None or ndim == 0 and dim in (0, -1, (), (0,), (-1,)):
        return None
    dims = (dim,) if isinstance(dim, numbers.Integral) else tuple(dim)
    out = []
    for d in dims:
        d = operator.index(d)
        if not -ndim <= d < ndim:
            raise IndexError(f"{where}: dim {d} is out of range for a tensor with {ndim} dimensions")
        out.append(d % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"{where}: dim {dim} names an axis twice")
    return tuple(sorted(out))


def _one_axis(dim, ndim: int, where: str) -> int:
    axes = _axes(dim, max(ndim, 1), where)
    return axes[0]


def dim_or_axis(dim, axis, where: str, default=None):
    """Accept PyTorch's `dim=` or NumPy's `axis=` (not both); `default` when neither is given.
    (Signatures say `dim=None` so that a default dim is never mistaken for one the caller passed.)"""
    if axis is None:
        return default if dim is None else dim
    if dim is not None and dim != axis:
        raise TypeError(f"{where}: got both dim={dim} and axis={axis}; pass one")
    return axis


def _keep(keepdim: bool, keepdims) -> bool:
    return bool(keepdim if keepdims is None else keepdims)


def _shape_arg(shape, where: str) -> tuple:
    """Shapes may be passed as f(2, 3) or f((2, 3))."""
    if len(shape) == 1 and not isinstance(shape[0], numbers.Integral):
        shape = tuple(shape[0])
    if all(type(s) is int for s in shape):
        return tuple(shape)
    try:
        return tuple(operator.index(s) for s in shape)
    except TypeError:
        raise TypeError(f"{where}: expected a shape of ints, got {shape!r}") from None


def _host_array(data, where: str):
    """Python data -> NumPy array plus whether it came from Python numbers (for the float32 default)."""
    from_python = not isinstance(data, (np.ndarray, np.generic))
    host = np.array(data)
    if host.dtype == object or host.dtype.kind not in "biuf":
        raise TypeError(
            f"{where}: cannot make a tensor from {type(data).__name__} (got NumPy dtype {host.dtype})"
        )
    return host, from_python


def to_numpy(x) -> np.ndarray:
    """A NumPy array of a Tensor, of any device's array (copied to the host) or of an array-like: what
    loading a state dict or checkpoint needs, whatever the values were saved as."""
    data = x.data if isinstance(x, Tensor) else x
    return backend.to_host(data) if type(data) in backend.XP_BY_TYPE else np.asarray(data)


class Tensor:
    """An n-dimensional array that records the ops applied to it, so `backward()` can apply the chain rule.

    Graph protocol (used by autograd, drawings and tracing): `data`, `grad`, `requires_grad`, `name`,
    `_op` (Op or None for a leaf), `_parents` (input Tensors in argument order), `_scope` (name scope path).
    """

    __slots__ = (
        "data",
        "grad",
        "requires_grad",
        "name",
        "_op",
        "_parents",
        "_scope",
        "_hooks",
        "_retains_grad",
        "_freed",
        "_seq",
        "__weakref__",
    )
    __array_priority__ = 1000  # make `ndarray + Tensor` call Tensor.__radd__

    def __init__(self, data, requires_grad: bool = False, dtype=None, device=None, name=None, label=None):
        if isinstance(data, Tensor):
            array = backend.to_device(data.data, device) if device is not None else data.data
            array = array.copy() if array is data.data else array
        elif type(data) in backend.XP_BY_TYPE:
            array = data.copy() if device is None else backend.to_device(data, device)
        else:
            host, from_python = _host_array(data, "Tensor")
            if dtype is None:
                host = host.astype(dtypes.infer_dtype(host, from_python), copy=False)
            array = host if device is None else backend.to_device(host, device)
        if dtype is not None:
            array = array.astype(dtypes.to_dtype(dtype, "Tensor"), copy=False)
        if requires_grad and array.dtype.kind != "f":
            raise RuntimeError(
                f"Tensor: only floating point tensors can require gradients, got dtype {array.dtype}"
            )
        self.data = array
        self.grad = None
        self.requires_grad = bool(requires_grad)
        self.name = name if name is not None else label
        self._op = None
        self._parents = ()
        self._scope = current_scope()
        self._hooks = None
        self._retains_grad = False
        self._freed = False
        self._seq = next(_creation_counter)

    __hash__ = object.__hash__

    # ----- properties and conversion -----
    @property
    def shape(self) -> tuple:
        return tuple(self.data.shape)

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def device(self) -> str:
        return backend.device_of(self.data)

    @property
    def label(self):
        return self.name

    @property
    def is_leaf(self) -> bool:
        return self._op is None

    @property
    def grad_fn(self):
        """The op that made this tensor (None for leaves), the closest thing to PyTorch's grad_fn."""
        return self._op

    def size(self, dim=None):
        if dim is None:
            return self.shape
        return self.shape[_one_axis(dim, self.ndim, "size")]

    def numel(self) -> int:
        return int(self.data.size)

    def dim(self) -> int:
        return self.data.ndim

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.data.shape[0]

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def numpy(self) -> np.ndarray:
        """A NumPy array of the data (copied to host memory for cuda/strict tensors)."""
        return backend.to_host(self.data)

    def __array__(self, dtype=None, copy=None):
        if self.device != "cpu":
            raise TypeError(
                f"implicit conversion of a '{self.device}' tensor to NumPy is not allowed: "
                "call .numpy() or .cpu() first"
            )
        return self.data if dtype is None else self.data.astype(dtype)

    def item(self):
        if self.data.size != 1:
            raise ValueError(
                f"item(): only a tensor with one element can be converted to a Python number, "
                f"got shape {self.shape}"
            )
        return self.data.item()

    def tolist(self):
        return self.numpy().tolist()

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __bool__(self):
        if self.data.size != 1:
            raise RuntimeError(
                f"bool(): a tensor with {self.data.size} elements is ambiguous; use .any() or .all()"
            )
        return bool(self.item())

    def __index__(self):
        if self.dtype.kind not in "iu" or self.data.size != 1:
            raise TypeError(
                f"only integer tensors of one element can be used as an index, got {self.dtype} {self.shape}"
            )
        return int(self.item())

    def __repr__(self):
        from .tensor_repr import tensor_repr

        return tensor_repr(self)

    # ----- devices and dtypes -----
    def to(self, *args, dtype=None, device=None) -> "Tensor":
        """.to("cuda"), .to(float64), .to("cpu", float32): differentiable dtype casts, explicit moves."""
        for arg in args:
            if isinstance(arg, str) and arg.split(":")[0] in backend.DEVICES:
                device = arg
            else:
                dtype = arg
        out = self
        if dtype is not None:
            out = out._cast(dtypes.to_dtype(dtype, "to"))
        if device is not None and backend.normalize_device(device) != out.device:
            if out.is_leaf:  # a moved leaf is a new leaf (model.to(device) keeps training its parameters)
                moved = _wrap(backend.to_device(out.data, device), None, (), False)
                moved.requires_grad = out.requires_grad
                return moved
            return _apply1(D.ToDevice(device=backend.normalize_device(device), source=out.device), out)
        return out

    def _cast(self, dtype: np.dtype) -> "Tensor":
        if self.data.dtype == dtype:
            return self
        out = _apply1(E.Cast(dtype=dtype.name), self)
        return out if dtype.kind == "f" else out.detach()  # no gradient flows into integers

    def cpu(self) -> "Tensor":
        return self.to("cpu")

    def cuda(self) -> "Tensor":
        return self.to("cuda")

    def type(self, dtype) -> "Tensor":
        return self.to(dtype)

    def float(self) -> "Tensor":
        return self._cast(dtypes.float32)

    def double(self) -> "Tensor":
        return self._cast(dtypes.float64)

    def long(self) -> "Tensor":
        return self._cast(dtypes.int64)

    def int(self) -> "Tensor":
        return self._cast(dtypes.int32)

    def bool(self) -> "Tensor":
        return self._cast(dtypes.bool_)

    astype = to

    # ----- autograd -----
    def backward(self, gradient=None, retain_graph=None, create_graph: bool = False, inputs=None) -> None:
        """Add d(self)/d(leaf) to every leaf's `.grad` (see `tinygrad_edu.autograd.backward`)."""
        from .autograd import backward

        backward(self, gradient, retain_graph, create_graph, inputs)

    def detach(self) -> "Tensor":
        """The same data, cut off from the graph (no gradient flows through it)."""
        return _wrap(self.data, None, (), False)

    def detach_(self) -> "Tensor":
        self._op, self._parents, self.requires_grad = None, (), False
        return self

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        if requires_grad and self.dtype.kind != "f":
            raise RuntimeError(
                f"requires_grad_: only floating point tensors can require gradients, got {self.dtype}"
            )
        if not self.is_leaf and not requires_grad:
            raise RuntimeError(
                "requires_grad_: a non-leaf tensor's requires_grad cannot be turned off; use detach()"
            )
        self.requires_grad = requires_grad
        return self

    def retain_grad(self) -> None:
        """Keep `.grad` on this non-leaf tensor too (students inspect intermediate gradients)."""
        if not self.requires_grad:
            raise RuntimeError("retain_grad: this tensor does not require grad, so it will never get one")
        self._retains_grad = True

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def register_hook(self, hook):
        """Call `hook(grad)` when this tensor's gradient is computed; a returned Tensor replaces the grad."""
        if not self.requires_grad:
            raise RuntimeError("register_hook: cannot register a hook on a tensor that doesn't require grad")
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return _HookHandle(self, hook)

    def zero_(self) -> "Tensor":
        self.data = self.data * 0
        return self

    def clone(self) -> "Tensor":
        return self * 1 if self.requires_grad else _wrap(self.data.copy(), None, (), False)

    # ----- elementwise arithmetic -----
    def __add__(self, other):
        return _binary(_ADD, self, other)

    def __radd__(self, other):
        return _binary(_ADD, other, self)

    def __sub__(self, other):
        return _binary(_SUB, self, other)

    def __rsub__(self, other):
        return _binary(_SUB, other, self)

    def __mul__(self, other):
        return _binary(_MUL, self, other)

    def __rmul__(self, other):
        return _binary(_MUL, other, self)

    def __truediv__(self, other):
        a, b = self, other
        if self.dtype.kind != "f" and not (isinstance(other, Tensor) and other.dtype.kind == "f"):
            a = self._cast(dtypes.DEFAULT_FLOAT)
        return _binary(_DIV, a, b)

    def __rtruediv__(self, other):
        b = self if self.dtype.kind == "f" else self._cast(dtypes.DEFAULT_FLOAT)
        return _binary(_DIV, other, b)

    def __pow__(self, exponent):
        if isinstance(exponent, numbers.Real) and not isinstance(exponent, bool):
            x = self if self.dtype.kind == "f" or isinstance(exponent, numbers.Integral) else self.float()
            return _apply1(E.PowScalar(exponent=exponent), x)
        return _binary(_POW, self, exponent)

    def __rpow__(self, base):
        if isinstance(base, numbers.Real) and base > 0:
            x = self if self.dtype.kind == "f" else self.float()
            return _apply1(E.RPowScalar(base=float(base)), x)
        return _binary(_POW, base, self)

    def __neg__(self):
        return _apply1(_NEG, self)

    def __pos__(self):
        return self

    def __matmul__(self, other):
        return matmul(self, other)

    def __rmatmul__(self, other):
        return matmul(other, self)

    def __lt__(self, other):
        return _compare("lt", self, other)

    def __le__(self, other):
        return _compare("le", self, other)

    def __gt__(self, other):
        return _compare("gt", self, other)

    def __ge__(self, other):
        return _compare("ge", self, other)

    def __eq__(self, other):
        return _compare("eq", self, other)

    def __ne__(self, other):
        return _compare("ne", self, other)

    def __and__(self, other):
        return _compare("and", self, other)

    def __or__(self, other):
        return _compare("or", self, other)

    def __xor__(self, other):
        return _compare("xor", self, other)

    def __invert__(self):
        if self.dtype.kind != "b":
            raise TypeError(f"~: only bool tensors can be inverted, got {self.dtype}")
        return _apply1(E.LogicalNot(), self)

    def _inplace(self, symbol: str, fn, other):
        """x += y and friends change x's data in place, as PyTorch does for optimizer updates; on a tensor
        that is recording a graph they raise instead (backward would read overwritten values)."""
        if self.requires_grad and grad_mode.enabled:
            raise RuntimeError(
                f"{symbol}: in-place update of a tensor that requires grad while recording a graph; "
                f"wrap it in `with no_grad():` (an optimizer step) or write x = x {symbol[0]} y"
            )
        value = other.data if isinstance(other, Tensor) else other
        if isinstance(other, Tensor) and type(value) is not type(self.data):
            raise _device_mismatch(symbol, (self, other))
        self.data = fn(self.data, value)
        return self

    def __iadd__(self, other):
        return self._inplace("+=", operator.iadd, other)

    def __isub__(self, other):
        return self._inplace("-=", operator.isub, other)

    def __imul__(self, other):
        return self._inplace("*=", operator.imul, other)

    def __itruediv__(self, other):
        return self._inplace("/=", operator.itruediv, other)

    def add(self, other, alpha=1):
        return self + (other * alpha if alpha != 1 else other)

    def sub(self, other, alpha=1):
        return self - (other * alpha if alpha != 1 else other)

    def mul(self, other):
        return self * other

    def div(self, other):
        return self / other

    def pow(self, exponent):
        return self**exponent

    def neg(self):
        return -self

    def matmul(self, other):
        return matmul(self, other)

    def eq(self, other):
        return self == other

    def ne(self, other):
        return self != other

    def lt(self, other):
        return self < other

    def le(self, other):
        return self <= other

    def gt(self, other):
        return self > other

    def ge(self, other):
        return self >= other

    # ----- elementwise functions -----
    def _float_unary(self, op):
        x = self if self.data.dtype.kind == "f" else self._cast(dtypes.DEFAULT_FLOAT)
        return _apply1(op, x)

    def exp(self):
        return self._float_unary(_EXP)

    def log(self):
        return self._float_unary(_LOG)

    def sqrt(self):
        return self._float_unary(_SQRT)

    def rsqrt(self):
        return self.sqrt() ** -1

    def sin(self):
        return self._float_unary(_SIN)

    def cos(self):
        return self._float_unary(_COS)

    def tanh(self):
        return self._float_unary(_TANH)

    def sigmoid(self):
        return self._float_unary(_SIGMOID)

    def abs(self):
        return _apply1(_ABS, self)

    def relu(self):
        return _apply1(_RELU, self)

    def leaky_relu(self, negative_slope: float = 0.01):
        return self._float_unary(E.LeakyRelu(negative_slope=float(negative_slope)))

    def gelu(self, approximate: str = "none"):
        if approximate not in ("none", "tanh"):
            raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
        return self._float_unary(E.Gelu(approximate=approximate))

    def softplus(self, beta: float = 1.0, threshold: float = 20.0):
        return self._float_unary(E.Softplus(beta=float(beta), threshold=float(threshold)))

    def clamp(self, min=None, max=None):
        if min is None and max is None:
            raise ValueError("clamp: at least one of min and max must be given")
        return _apply1(E.Clamp(min=min, max=max), self)

    clip = clamp

    def maximum(self, other):
        return maximum(self, other)

    def minimum(self, other):
        return minimum(self, other)

    def square(self):
        return self * self

    def reciprocal(self):
        return 1 / self

    def _untracked(self, function: str, **kwargs):
        """A piecewise-constant function of the data (zero derivative), so no graph node is needed."""
        kind = type(self.data)
        xp = backend.XP_BY_TYPE[kind]
        out = getattr(xp, function)(self.data, **kwargs)
        return _wrap(out if type(out) is kind else xp.asarray(out), None, (), False)

    def sign(self):
        return self._untracked("sign")

    # ----- reductions -----
    def _reduce(self, op_cls, where, dim, axis, keepdim, keepdims, **attrs):
        axes = _axes(dim_or_axis(dim, axis, where), self.ndim, where)
        return _apply1(op_cls(axis=axes, keepdims=_keep(keepdim, keepdims), **attrs), self)

    def sum(self, dim=None, keepdim=False, *, axis=None, keepdims=None, dtype=None):
        x = self if dtype is None else self._cast(dtypes.to_dtype(dtype, "sum"))
        if x.dtype.kind == "b":
            x = x._cast(dtypes.int64)
        return x._reduce(R.Sum, "sum", dim, axis, keepdim, keepdims)

    def mean(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        self._need_float("mean")
        return self._reduce(R.Mean, "mean", dim, axis, keepdim, keepdims)

    def _need_float(self, where: str) -> None:
        if self.dtype.kind != "f":
            raise TypeError(
                f"{where}: expected a floating point tensor, got dtype {self.dtype}; "
                "convert with .float() first"
            )

    def amax(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        self._need_nonempty("amax")
        return self._reduce(R.Max, "amax", dim, axis, keepdim, keepdims)

    def amin(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        self._need_nonempty("amin")
        return self._reduce(R.Min, "amin", dim, axis, keepdim, keepdims)

    def _need_nonempty(self, where: str) -> None:
        if self.data.size == 0:
            raise RuntimeError(f"{where}: cannot reduce an empty tensor of shape {self.shape}")

    def max(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """max() -> the largest value; max(dim) -> (values, indices) as in PyTorch;
        max(other_tensor) -> elementwise maximum."""
        if isinstance(dim, Tensor):
            return maximum(self, dim)
        return self._extreme(self.amax, self.argmax, dim, axis, keepdim, keepdims)

    def min(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        if isinstance(dim, Tensor):
            return minimum(self, dim)
        return self._extreme(self.amin, self.argmin, dim, axis, keepdim, keepdims)

    def _extreme(self, values_fn, index_fn, dim, axis, keepdim, keepdims):
        dim = dim_or_axis(dim, axis, "max")
        if dim is None:
            return values_fn()
        keep = _keep(keepdim, keepdims)
        return MinMaxResult(values_fn(dim, keep), index_fn(dim, keep))

    def argmax(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        return self._arg(R.ArgMax, "argmax", dim, axis, keepdim, keepdims)

    def argmin(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        return self._arg(R.ArgMin, "argmin", dim, axis, keepdim, keepdims)

    def _arg(self, op_cls, where, dim, axis, keepdim, keepdims):
        self._need_nonempty(where)
        dim = dim_or_axis(dim, axis, where)
        ax = None if dim is None else _one_axis(dim, self.ndim, where)
        ax = None if self.ndim == 0 else ax
        return _apply1(op_cls(axis=ax, keepdims=_keep(keepdim, keepdims) and ax is not None), self)

    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None):
        self._need_float("var")
        if unbiased is not None and correction is not None:
            raise TypeError("var: pass either unbiased or correction, not both")
        corr = correction if correction is not None else (0 if unbiased is False else 1)
        return self._reduce(R.Var, "var", dim, axis, keepdim, keepdims, correction=corr)

    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None):
        return self.var(dim, unbiased, keepdim, correction=correction, axis=axis, keepdims=keepdims).sqrt()

    def logsumexp(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        self._need_float("logsumexp")
        return self._reduce(R.LogSumExp, "logsumexp", dim, axis, keepdim, keepdims)

    def softmax(self, dim=None, *, axis=None):
        return self._along(R.Softmax, "softmax", dim, axis)

    def log_softmax(self, dim=None, *, axis=None):
        return self._along(R.LogSoftmax, "log_softmax", dim, axis)

    def _along(self, op_cls, where, dim, axis):
        self._need_float(where)
        axes = _axes(dim_or_axis(dim, axis, where, default=-1), self.ndim, where)
        return _apply1(op_cls(axis=axes), self)

    def all(self):
        return self._untracked("all")

    def any(self):
        return self._untracked("any")

    # ----- shape -----
    def reshape(self, *shape):
        shape = _shape_arg(shape, "reshape")
        return _reshape(self, _resolve_shape(shape, self.data.size, self.shape, "reshape"))

    view = reshape

    def flatten(self, start_dim: int = 0, end_dim: int = -1):
        if self.ndim == 0:
            return self.reshape(1)
        s = _one_axis(start_dim, self.ndim, "flatten")
        e = _one_axis(end_dim, self.ndim, "flatten")
        if s > e:
            raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
        shape = self.shape
        return _reshape(self, shape[:s] + (math.prod(shape[s : e + 1]),) + shape[e + 1 :])

    def squeeze(self, dim=None):
        if dim is None:
            return _reshape(self, tuple(s for s in self.shape if s != 1))
        axes = _axes(dim, self.ndim, "squeeze") or ()
        return _reshape(self, tuple(s for i, s in enumerate(self.shape) if not (i in axes and s == 1)))

    def unsqueeze(self, dim: int):
        d = _one_axis(dim, self.ndim + 1, "unsqueeze")
        shape = self.shape
        return _reshape(self, shape[:d] + (1,) + shape[d:])

    def permute(self, *dims):
        dims = _shape_arg(dims, "permute")
        if sorted(d % max(self.ndim, 1) for d in dims) != list(range(self.ndim)):
            raise ValueError(
                f"permute: dims {dims} are not a permutation of the {self.ndim} axes of {self.shape}"
            )
        return _apply1(S.Permute(dims=tuple(d % self.ndim for d in dims)), self)

    def transpose(self, dim0: int = 0, dim1: int = 1):
        if self.ndim < 2:
            return self
        a, b = _one_axis(dim0, self.ndim, "transpose"), _one_axis(dim1, self.ndim, "transpose")
        dims = list(range(self.ndim))
        dims[a], dims[b] = dims[b], dims[a]
        return _apply1(S.Permute(dims=tuple(dims)), self)

    @property
    def T(self):
        return _apply1(S.Permute(dims=tuple(range(self.ndim - 1, -1, -1))), self) if self.ndim > 1 else self

    @property
    def mT(self):
        return self.transpose(-2, -1)

    def expand(self, *shape):
        shape = _shape_arg(shape, "expand")
        lead = len(shape) - self.ndim
        if lead < 0:
            raise ValueError(f"expand: target shape {shape} has fewer dimensions than {self.shape}")
        full = tuple(self.shape[i - lead] if s == -1 else s for i, s in enumerate(shape))
        return broadcast_to(self, full)

    def expand_as(self, other):
        return broadcast_to(self, other.shape)

    def broadcast_to(self, shape):
        return broadcast_to(self, shape)

    def flip(self, dims):
        axes = _axes(dims, self.ndim, "flip")
        return _apply1(S.Flip(axes=axes), self) if axes else self

    def repeat(self, *repeats):
        repeats = _shape_arg(repeats, "repeat")
        if len(repeats) < self.ndim:
            raise ValueError(
                f"repeat: got {len(repeats)} repeat counts for a tensor with {self.ndim} dimensions"
            )
        return _apply1(S.Repeat(repeats=repeats), self)

    def split(self, split_size_or_sections, dim=None, *, axis=None):
        return split(self, split_size_or_sections, dim, axis=axis)

    def chunk(self, chunks: int, dim=None, *, axis=None):
        return chunk(self, chunks, dim, axis=axis)

    # ----- indexing -----
    def __getitem__(self, key):
        spec, index_tensors = _index_spec(key, self)
        if index_tensors:
            return apply(I.GetItem(index=spec), self, *index_tensors)
        return _apply1(I.GetItem(index=spec), self)

    def __setitem__(self, key, value):
        """x[mask] = 0 and the like on data (no graph is recorded, as for other in-place updates)."""
        if self.requires_grad and grad_mode.enabled:
            raise RuntimeError(
                "setitem: in-place assignment into a tensor that requires grad while recording a "
                "graph; use `with no_grad():`, or build a new tensor with where()"
            )
        spec, index_tensors = _index_spec(key, self)
        if isinstance(value, Tensor):
            if type(value.data) is not type(self.data):
                raise _device_mismatch("setitem", (self, value))
            value = value.data
        self.data[I.build_key(spec, tuple(t.data for t in index_tensors))] = value

    def gather(self, dim: int, index):
        return gather(self, dim, index)

    def index_select(self, dim: int, index):
        d = _one_axis(dim, self.ndim, "index_select")
        return self[(slice(None),) * d + (_as_index(index, self, "index_select"),)]

    def masked_fill(self, mask, value):
        return where(mask, value, self)


class MinMaxResult(tuple):
    """(values, indices) from max(dim)/min(dim), as PyTorch's named tuple."""

    __slots__ = ()

    def __new__(cls, values, indices):
        return super().__new__(cls, (values, indices))

    @property
    def values(self):
        return self[0]

    @property
    def indices(self):
        return self[1]


class _HookHandle:
    """Returned by register_hook; `.remove()` takes the hook off again."""

    def __init__(self, tensor, hook):
        self._tensor, self._hook = tensor, hook

    def remove(self):
        hooks = self._tensor._hooks
        if hooks and self._hook in hooks:
            hooks.remove(self._hook)


# ----- helpers that build graph nodes -----
def _constant(value, like: Tensor) -> Tensor:
    """A Python number or array used next to tensor `like`, on its device, with PyTorch's dtype rules."""
    data = like.data
    if type(value) is float and data.dtype.kind == "f":  # the common case (x * 0.5), kept cheap
        return _wrap(backend.XP_BY_TYPE[type(data)].asarray(value, dtype=data.dtype), None, (), False)
    if isinstance(value, numbers.Number) and not isinstance(value, complex):
        dtype = dtypes.scalar_dtype(data.dtype, value)
        return _wrap(backend.XP_BY_TYPE[type(data)].asarray(value, dtype=dtype), None, (), False)
    if isinstance(value, (list, tuple, np.ndarray, np.generic)):
        return Tensor(value, device=like.device)
    raise TypeError(f"expected a Tensor, a Python number or an array, got {type(value).__name__}")


def _pair(a, b):
    """Make both operands Tensors of one dtype (PyTorch promotion), inserting Cast nodes if needed."""
    if not isinstance(a, Tensor):
        a = _constant(a, b)
    elif not isinstance(b, Tensor):
        b = _constant(b, a)
    da, db = a.data.dtype, b.data.dtype
    if da != db:
        common = dtypes.promote_tensor_dtypes(da, a.data.ndim, db, b.data.ndim)
        a, b = a._cast(common), b._cast(common)
    return a, b


def _binary(op, a, b) -> Tensor:
    """A two-input elementwise op; `op` is a shared instance (ops without attrs hold no state)."""
    if type(a) is not Tensor or type(b) is not Tensor or a.data.dtype is not b.data.dtype:
        a, b = _pair(a, b)
    try:
        return _apply2(op, a, b)
    except ValueError:
        raise ValueError(f"{op.name}: shapes {a.shape} and {b.shape} don't broadcast") from None


def _compare(kind: str, a, b) -> Tensor:
    if not isinstance(b, (Tensor, numbers.Number, list, tuple, np.ndarray, np.generic)):
        return NotImplemented
    a, b = _pair(a, b)
    try:
        return _apply2(E.Compare(kind=kind), a, b)
    except ValueError:
        raise ValueError(f"{kind}: shapes {a.shape} and {b.shape} don't broadcast") from None


def _resolve_shape(shape: tuple, size: int, old: tuple, where: str) -> tuple:
    """Fill in one -1 and check the element count."""
    if shape.count(-1) > 1:
        raise ValueError(f"{where}: only one dimension can be -1, got {shape}")
    if -1 in shape:
        known = math.prod(s for s in shape if s != -1)
        if known == 0 or size % known:
            raise ValueError(f"{where}: cannot reshape {old} ({size} elements) into {shape}")
        shape = tuple(size // known if s == -1 else s for s in shape)
    if math.prod(shape) != size:
        raise ValueError(f"{where}: cannot reshape {old} ({size} elements) into {shape}")
    return shape


def _reshape(x: Tensor, shape: tuple) -> Tensor:
    return x if shape == x.shape else _apply1(S.Reshape(shape=shape), x)


def _as_index(value, like: Tensor, where: str) -> Tensor:
    """Index arrays become integer/bool Tensors on `like`'s device (they are non-differentiable inputs)."""
    t = value if isinstance(value, Tensor) else Tensor(value, device=like.device)
    if t.dtype.kind not in "biu":
        raise IndexError(f"{where}: index tensors must be integer or bool, got dtype {t.dtype}")
    return t


def _index_spec(key, x: Tensor):
    """Split an index into plain data (the op's attrs) and index tensors (extra op inputs)."""
    if not isinstance(key, tuple):
        key = (key,)
    spec, tensors = [], []
    for k in key:
        if k is None:
            spec.append(None)
        elif k is Ellipsis:
            spec.append("...")
        elif isinstance(k, slice):
            spec.append(
                ("slice",)
                + tuple(None if v is None else operator.index(v) for v in (k.start, k.stop, k.step))
            )
        elif isinstance(k, numbers.Integral) and not isinstance(k, (bool, np.bool_)):
            spec.append(int(k))
        elif isinstance(k, (Tensor, list, np.ndarray, bool, np.bool_)) or type(k) in backend.XP_BY_TYPE:
            tensors.append(_as_index(k, x, "getitem"))
            spec.append(("array", len(tensors) - 1))
        else:
            raise IndexError(f"getitem: unsupported index {k!r} of type {type(k).__name__}")
    return tuple(spec), tensors


# ----- functions on several tensors -----
def matmul(a, b) -> Tensor:
    if type(a) is not Tensor or type(b) is not Tensor or a.data.dtype is not b.data.dtype:
        a, b = _pair(a, b)
    try:
        return _apply2(_MATMUL, a, b)
    except ValueError:
        problem = L.describe_matmul_mismatch(a.shape, b.shape)
        if problem is None:
            raise
        raise ValueError(problem) from None


def broadcast_to(x: Tensor, shape) -> Tensor:
    shape = tuple(shape)
    if shape == x.shape:
        return x
    try:
        np.broadcast_shapes(x.shape, shape)
    except ValueError:
        raise ValueError(f"expand: shape {x.shape} cannot be broadcast to {shape}") from None
    if np.broadcast_shapes(x.shape, shape) != shape:
        raise ValueError(f"expand: shape {x.shape} cannot be broadcast to {shape}")
    return _apply1(S.Expand(shape=shape), x)


def where(condition, input, other) -> Tensor:
    """Elements of `input` where `condition` holds, else of `other` (numbers allowed for both)."""
    ref = next((t for t in (input, other, condition) if isinstance(t, Tensor)), None)
    if ref is None:
        raise TypeError("where: expected at least one Tensor argument")
    cond = condition if isinstance(condition, Tensor) else Tensor(condition, device=ref.device)
    if cond.dtype.kind != "b":
        raise TypeError(f"where: condition must be a bool tensor, got dtype {cond.dtype}")
    a, b = _pair(
        input, other if isinstance(other, Tensor) or isinstance(input, Tensor) else _constant(other, ref)
    )
    try:
        return apply(E.Where(), cond, a, b)
    except ValueError:
        raise ValueError(f"where: shapes {cond.shape}, {a.shape} and {b.shape} don't broadcast") from None


def maximum(a, b) -> Tensor:
    return _binary(_MAXIMUM, a, b)


def minimum(a, b) -> Tensor:
    return _binary(_MINIMUM, a, b)


# Functions on several tensors live in their own module; imported last because they build on Tensor.
# They stay importable from here too (nn imports `stack` from this module).
from .tensor_functions import cat, chunk, concatenate, gather, pad, split, stack  # noqa: E402, F401
