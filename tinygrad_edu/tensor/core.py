"""Tensor: an array plus the graph node that made it (define-by-run autodiff).

Every op result remembers its `Op` (`_op`) and its inputs (`_parents`), nothing else: no closures, so
graphs form no reference cycles and can be drawn, re-run and differentiated from these two fields.
Nodes are recorded only when an input requires grad and grad mode is on (as in PyTorch).

This file is the node and the one way a node is made (`apply`). The method families (arithmetic and
elementwise functions, reductions, shape and indexing) live in their own modules as mixins written
against the few primitives defined here (`_op1`, `_op2`, `_lift`, `_constant`, `_cast`, `_untracked`).

>>> import tinygrad_edu as tg
>>> x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
>>> y = (x * x).sum()        # two nodes: mul, then sum
>>> y.backward()             # dy/dx = 2x
>>> x.grad
tensor([2., 4., 6.])
"""

import builtins
import itertools
import numbers
from typing import Any

import numpy as np

from .. import backend
from ..errors import ShapeError
from ..ops import device as D
from ..ops import elementwise as E
from . import device as _device
from . import dtypes, grad_mode
from . import scope as _scope_state
from .elementwise import ElementwiseMethods
from .inplace import InplaceMethods
from .math import MathMethods
from .matrix import MatrixMethods
from .movement import MovementMethods
from .printing import tensor_repr
from .reduce import ReduceMethods
from .scan import ScanMethods

_new = object.__new__
_creation_counter = itertools.count()
# While `tinygrad_edu.static.trace` runs a function, the object recording its ops (else None). One global
# test per op keeps define-by-run mode as fast as before (a few ns of a ~1 µs op).
recorder: Any = None


def _wrap(data, op, parents: tuple, requires_grad: bool) -> "Tensor":
    """Internal fast constructor: no validation (data is already an array of a known backend)."""
    t = _new(Tensor)
    t.array = data
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
    kind = type(tensors[0].array)
    requires = False
    for t in tensors:
        if type(t.array) is not kind:
            raise _device_mismatch(op.name, tensors)
        requires = requires or t.requires_grad
    xp = backend.XP_BY_TYPE[kind]
    out = op.forward(xp, *[t.array for t in tensors])
    return _record(op, kind, out, tensors, requires)


def _record(op, kind, out, tensors: tuple, requires: bool) -> "Tensor":
    """Wrap an op's output, as a graph node when a gradient can flow through it."""
    if type(out) is not kind and isinstance(out, np.generic):  # NumPy returns 0-d results as scalars
        out = np.asarray(out)
    if grad_mode.anomaly:
        _check_finite(op, out, [t.array for t in tensors])
    if requires and grad_mode.enabled and op.differentiable:
        out = _wrap(out, op, tensors, True)
    else:
        out = _wrap(out, None, (), False)
    if recorder is not None:
        recorder.record(op, out, tensors)
    return out


def _apply1(op, x: "Tensor") -> "Tensor":
    """`apply` for one input, without the generic loops."""
    data = x.array
    kind = type(data)
    return _record(op, kind, op.forward(backend.XP_BY_TYPE[kind], data), (x,), x.requires_grad)


def _device_mismatch(name: str, tensors) -> RuntimeError:
    devices = ", ".join(backend.device_of(t.array) for t in tensors)
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


def _host_array(data, where: str):
    """Python data -> NumPy array plus whether it came from Python numbers (for the float32 default)."""
    from_python = not isinstance(data, (np.ndarray, np.generic))
    try:
        host = np.array(data)
    except ValueError as err:  # nested lists of different lengths
        raise ValueError(f"{where}: {_ragged(data) or err}") from None
    dtypes.check_numeric(host.dtype, where, type(data).__name__)
    return host, from_python


def _ragged(data):
    """Where nested sequences stop being rectangular, in PyTorch's words (None if they do not)."""
    level, dim = [data], 0
    while level:
        sequences = [x for x in level if isinstance(x, (list, tuple))]
        if not sequences:
            return None
        if len(sequences) != len(level):
            return f"nested sequences mix numbers and sequences at dim {dim}"
        length = len(sequences[0])
        for x in sequences:
            if len(x) != length:
                return f"expected sequence of length {length} at dim {dim} (got {len(x)})"
        level, dim = [y for x in sequences for y in x], dim + 1
    return None


def expect_tensor(x, where: str, what: str = "input") -> None:
    """Functions that take tensors say so when given something else."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{where}: expected {what} to be a Tensor, got {type(x).__name__}")


def to_numpy(x) -> np.ndarray:
    """A NumPy array of a Tensor, of any device's array (copied to the host) or of an array-like: what
    loading a state dict or checkpoint needs, whatever the values were saved as."""
    data = x.array if isinstance(x, Tensor) else x
    return backend.to_host(data) if type(data) in backend.XP_BY_TYPE else np.asarray(data)


class Tensor(ElementwiseMethods, MathMethods, ReduceMethods, ScanMethods, MovementMethods, MatrixMethods,
             InplaceMethods):
    """An n-dimensional array that records the ops applied to it, so `backward()` can apply the chain rule.

    Graph protocol (used by autograd, drawings and tracing): `array` (the NumPy/CuPy values), `grad`,
    `requires_grad`, `name`, `_op` (Op or None for a leaf), `_parents` (input Tensors in argument order),
    `_scope` (name scope path).
    """

    __slots__ = (
        "array",
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
    array: Any
    grad: "Tensor | None"
    requires_grad: builtins.bool
    name: str | None
    _op: Any
    _parents: tuple
    _scope: tuple
    _hooks: list | None
    _retains_grad: builtins.bool
    _freed: builtins.bool
    _seq: builtins.int

    def __init__(self, data, requires_grad: bool = False, dtype=None, device=None, name=None, label=None):
        if isinstance(data, Tensor):
            array = backend.to_device(data.array, device) if device is not None else data.array
            array = array.copy() if array is data.array else array
        elif type(data) in backend.XP_BY_TYPE:
            dtypes.check_numeric(data.dtype, "Tensor", "an array")
            array = backend.to_device(data, device) if device is not None else data
            array = array.copy() if array is data else array
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
        self.array = array
        self.grad = None
        self.requires_grad = bool(requires_grad)
        self.name = name if name is not None else label
        self._op = None
        self._parents = ()
        self._scope = _scope_state.current
        self._hooks = None
        self._retains_grad = False
        self._freed = False
        self._seq = next(_creation_counter)

    __hash__ = object.__hash__

    # ----- the primitives the method families are written against -----
    def _op1(self, op) -> "Tensor":
        """Apply a one-input op to this tensor."""
        return _apply1(op, self)

    def _opn(self, op, *others: "Tensor") -> "Tensor":
        """Apply an op to this tensor and further tensors (same device)."""
        return apply(op, self, *others)

    def _op2(self, op, other, reflected: bool = False) -> "Tensor":
        """A two-input elementwise op with `other` (a Tensor or a number), `other op self` if reflected."""
        return _binary(op, other, self) if reflected else _binary(op, self, other)

    def _promoted(self, other) -> tuple:
        """(self, other) as Tensors of one dtype, as a binary op would see them."""
        return _pair(self, other)

    def _constant(self, value) -> "Tensor":
        """A number or array next to this tensor: on its device, with PyTorch's dtype rules."""
        return _constant(value, self)

    def _lift(self, value) -> "Tensor":
        """`value` as a Tensor on this tensor's device (Tensors pass through)."""
        return value if isinstance(value, Tensor) else Tensor(value, device=self.device)

    def _operand_array(self, value, where: str):
        """The array behind an operand of an in-place update (a Tensor on this device, or a number)."""
        if not isinstance(value, Tensor):
            return value
        if type(value.array) is not type(self.array):
            raise _device_mismatch(where, (self, value))
        return value.array

    @staticmethod
    def _is_tensor(value) -> bool:
        return isinstance(value, Tensor)

    def _untracked(self, function: str, **kwargs) -> "Tensor":
        """A piecewise-constant function of the data (zero derivative), so no graph node is needed."""
        kind = type(self.array)
        xp = backend.XP_BY_TYPE[kind]
        out = getattr(xp, function)(self.array, **kwargs)
        out = _wrap(out if type(out) is kind else xp.asarray(out), None, (), False)
        if recorder is not None:
            recorder.untracked(function, kwargs, self, out)
        return out

    def _cast(self, dtype: np.dtype) -> "Tensor":
        if self.array.dtype == dtype:
            return self
        out = _apply1(E.Cast(dtype=dtype.name), self)
        return out if dtype.kind == "f" else out.detach()  # no gradient flows into integers

    # ----- properties and conversion -----
    @property
    def data(self) -> "Tensor":
        """The same values as a Tensor sharing this one's memory, cut off from the graph, as in PyTorch
        (`p.data.mul_(0.9)` changes p without being recorded). The raw NumPy/CuPy array is `.array`."""
        return _wrap(self.array, None, (), False)

    @data.setter
    def data(self, value) -> None:
        if isinstance(value, Tensor):
            value = value.array
        if type(value) not in backend.XP_BY_TYPE:
            raise TypeError(f"Tensor.data: expected a Tensor, got {type(value).__name__}")
        dtypes.check_numeric(value.dtype, "Tensor.data", "an array")
        self.array = value

    @property
    def shape(self) -> tuple:
        return tuple(self.array.shape)

    @property
    def ndim(self) -> int:
        return self.array.ndim

    @property
    def dtype(self) -> np.dtype:
        return self.array.dtype

    @property
    def device(self) -> "_device.device":
        """A `device` object, which is also its name ("cpu", "cuda", "strict")."""
        return _device.of_array(self.array)

    @property
    def is_cuda(self) -> bool:
        return self.device == "cuda"

    @property
    def label(self) -> str | None:
        return self.name

    @property
    def is_leaf(self) -> bool:
        return self._op is None

    @property
    def grad_fn(self) -> Any:
        """The op that made this tensor (None for leaves), the closest thing to PyTorch's grad_fn."""
        return self._op

    def numel(self) -> int:
        return int(self.array.size)

    nelement = numel

    def element_size(self) -> int:
        return int(self.array.dtype.itemsize)

    def is_floating_point(self) -> bool:
        return self.array.dtype.kind == "f"

    def type_as(self, other) -> "Tensor":
        return self.to(other.dtype)

    def dim(self) -> int:
        return self.array.ndim

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.array.shape[0]

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def numpy(self) -> np.ndarray:
        """A NumPy array of the data (copied to host memory for cuda/strict tensors)."""
        if recorder is not None:
            recorder.leaves_graph(self, "numpy()")
        return backend.to_host(self.array)

    def __array__(self, dtype=None, copy=None):
        if self.device != "cpu":
            raise TypeError(
                f"implicit conversion of a '{self.device}' tensor to NumPy is not allowed: "
                "call .numpy() or .cpu() first"
            )
        if recorder is not None:
            recorder.leaves_graph(self, "a NumPy conversion")
        return self.array if dtype is None else self.array.astype(dtype)

    def item(self) -> builtins.float | builtins.int | builtins.bool:
        if recorder is not None:
            recorder.leaves_graph(self, "a Python number (item(), float(), int() or bool())")
        if self.array.size != 1:
            raise ShapeError(
                f"item(): only a tensor with one element can be converted to a Python number, "
                f"got shape {self.shape}"
            )
        return self.array.item()

    def tolist(self) -> Any:
        return self.numpy().tolist()

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __bool__(self):
        if self.array.size != 1:
            raise RuntimeError(
                f"bool(): a tensor with {self.array.size} elements is ambiguous; use .any() or .all()"
            )
        return bool(self.item())

    def __index__(self):
        if self.dtype.kind not in "iu" or self.array.size != 1:
            raise TypeError(
                f"only integer tensors of one element can be used as an index, got {self.dtype} {self.shape}"
            )
        return int(self.item())

    def __repr__(self):
        return tensor_repr(self)

    # ----- devices and dtypes -----
    def to(self, *args, dtype=None, device=None, non_blocking=False, copy=False) -> "Tensor":
        """.to("cuda"), .to(float64), .to("cpu", float32), .to(other_tensor): differentiable dtype casts,
        explicit moves (`non_blocking` is accepted; moves here always complete before returning)."""
        for arg in args:
            if isinstance(arg, Tensor):
                dtype, device = arg.dtype, arg.device
            elif isinstance(arg, str) and arg.split(":")[0] in backend.DEVICES:
                device = arg
            else:
                dtype = arg
        if copy:
            return self.clone().to(dtype=dtype, device=device)
        out = self
        if dtype is not None:
            out = out._cast(dtypes.to_dtype(dtype, "to"))
        if device is not None and backend.normalize_device(device) != out.device:
            if out.is_leaf:  # a moved leaf is a new leaf (model.to(device) keeps training its parameters)
                moved = _wrap(backend.to_device(out.array, device), None, (), False)
                moved.requires_grad = out.requires_grad
                return moved
            return _apply1(D.ToDevice(device=backend.normalize_device(device), source=out.device), out)
        return out

    def cpu(self) -> "Tensor":
        return self.to("cpu")

    def cuda(self, device=None, non_blocking=False) -> "Tensor":
        return self.to("cuda" if device is None else device if isinstance(device, str) else f"cuda:{device}")

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
    def backward(self, gradient=None, retain_graph=None, create_graph: builtins.bool = False,
                 inputs=None) -> None:
        """Add d(self)/d(leaf) to every leaf's `.grad` (see `tinygrad_edu.tensor.autograd.backward`)."""
        from .autograd import backward  # autograd builds on this class, so it is imported when first used

        # while tracing, gradients are built from ops (create_graph) so the static graph records them
        backward(self, gradient, retain_graph, create_graph or recorder is not None, inputs)

    def detach(self) -> "Tensor":
        """The same data, cut off from the graph (no gradient flows through it)."""
        return _wrap(self.array, None, (), False)

    def detach_(self) -> "Tensor":
        self._op, self._parents, self.requires_grad = None, (), False
        return self

    def requires_grad_(self, requires_grad: builtins.bool = True) -> "Tensor":
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
    def retains_grad(self) -> builtins.bool:
        return self._retains_grad

    def register_hook(self, hook) -> "_HookHandle":
        """Call `hook(grad)` when this tensor's gradient is computed; a returned Tensor replaces the grad."""
        if not self.requires_grad:
            raise RuntimeError("register_hook: cannot register a hook on a tensor that doesn't require grad")
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return _HookHandle(self, hook)

    def clone(self) -> "Tensor":
        return self * 1 if self.requires_grad else _wrap(self.array.copy(), None, (), False)


class _HookHandle:
    """Returned by register_hook; `.remove()` takes the hook off again."""

    def __init__(self, tensor, hook):
        self._tensor, self._hook = tensor, hook

    def remove(self):
        hooks = self._tensor._hooks
        if hooks and self._hook in hooks:
            hooks.remove(self._hook)


# ----- operands of binary ops: numbers become constants, dtypes are promoted -----
def _constant(value, like: Tensor) -> Tensor:
    """A Python number or array used next to tensor `like`, on its device, with PyTorch's dtype rules."""
    data = like.array
    if type(value) is float and data.dtype.kind == "f":  # the common case (x * 0.5), kept cheap
        return _wrap(backend.XP_BY_TYPE[type(data)].asarray(value, dtype=data.dtype), None, (), False)
    if isinstance(value, numbers.Number) and not isinstance(value, complex):
        dtype = dtypes.scalar_dtype(data.dtype, value)
        return _wrap(backend.XP_BY_TYPE[type(data)].asarray(value, dtype=dtype), None, (), False)
    if isinstance(value, (list, tuple, np.ndarray, np.generic)):
        return Tensor(value, device=like.device)
    raise TypeError(f"expected a Tensor, a Python number or an array, got {type(value).__name__}")


def _pair(a, b) -> tuple:
    """Make both operands Tensors of one dtype (PyTorch promotion), inserting Cast nodes if needed."""
    if not isinstance(a, Tensor):
        a = _constant(a, b)
    elif not isinstance(b, Tensor):
        b = _constant(b, a)
    da, db = a.array.dtype, b.array.dtype
    if da != db:
        common = dtypes.promote_tensor_dtypes(da, a.array.ndim, db, b.array.ndim)
        a, b = a._cast(common), b._cast(common)
    return a, b


def _binary(op, a, b) -> Tensor:
    """A two-input op, `apply` without its generic loops (a few µs per op matter); `op` is a shared
    instance (ops without attrs hold no state)."""
    if type(a) is not Tensor or type(b) is not Tensor or a.array.dtype is not b.array.dtype:
        try:
            a, b = _pair(a, b)
        except TypeError as err:  # an operand that is no number, array or Tensor: name the op
            raise TypeError(f"{op.name}: {err}") from None
    x, y = a.array, b.array
    kind = type(x)
    if type(y) is not kind:
        raise _device_mismatch(op.name, (a, b))
    try:
        out = op.forward(backend.XP_BY_TYPE[kind], x, y)
    except ValueError:
        problem = op.describe_mismatch(a.shape, b.shape)
        if problem is None:
            raise
        raise ShapeError(problem) from None
    return _record(op, kind, out, (a, b), a.requires_grad or b.requires_grad)
