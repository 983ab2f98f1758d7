"""The scalar autodiff engine: one number per graph node, the first thing a student reads.

Each operation builds a new `Value` and records, right there, the *local derivative* of the
result with respect to each input (∂out/∂input). Backpropagation is then one line of chain
rule per edge:  input.grad += ∂out/∂input · out.grad.

Why no closures (unlike micrograd): a node that stores its parents and plain numbers forms no
reference cycle, so Python frees a graph as soon as it is unused. For the same reason the
cyclic garbage collector has nothing to find in a graph, yet it would walk every node each
time it runs (a 1,000,000-node chain took 2-4x longer with it on), so nodes are made, and
backward() walks them, with it paused (`_paused`, below). Why no recursion: a chain of
1,000,000 operations must backpropagate, and Python's stack holds about a thousand frames.
"""
import gc
import math
from numbers import Real

from .graph_walk import topological_order


def _as_float(x, where: str) -> float:
    """Turn a Python/NumPy real number into a float, or say clearly what was wrong."""
    if isinstance(x, Real):
        return float(x)
    raise TypeError(f"{where}: expected a real number (int or float), got {type(x).__name__} {x!r}")


class Value:
    """A scalar in a computational graph: its `data`, its `grad` (∂root/∂self after `backward`),
    the operation `_op` that produced it, its parents `_prev` and the local derivatives `_local`.

    >>> x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    >>> f = (x + y) * z
    >>> f.backward()
    >>> x.grad, y.grad, z.grad
    (-4.0, -4.0, 3.0)
    """

    # _mark, _uses and _upstream are backward()'s scratch space. _mark stays None until a backward
    # pass first reaches the node, which lets drawings say "not computed yet" rather than show 0.
    __slots__ = ("data", "grad", "_prev", "_op", "_local", "label", "_mark", "_uses", "_upstream",
                 "__weakref__")

    def __init__(self, data, _children=(), _op="", label="", _local=()):
        if isinstance(data, Value):
            raise TypeError("Value: got a Value; use it directly (or its .data) instead of wrapping it again")
        self.data = _as_float(data, "Value")
        self.grad = 0  # an int until backward adds to it, as in micrograd (so reprs print alike)
        self._prev = tuple(_children)
        self._op = _op
        self._local = _local
        self._mark = None
        if not isinstance(label, str):
            raise TypeError(f"Value: label must be a str, got {type(label).__name__}")
        self.label = label

    # ---- building blocks -------------------------------------------------------------
    @staticmethod
    def _lift(other, op: str) -> "Value":
        """Numbers mixed into an expression become leaf Values (they show up in drawings)."""
        if isinstance(other, Value):
            return other
        if type(other) is float or type(other) is int or isinstance(other, Real):
            return _node(float(other), "")
        raise TypeError(f"Value {op}: unsupported operand of type {type(other).__name__} ({other!r}); "
                        "expected a Value or a real number")

    # ---- arithmetic: forward value and local derivatives side by side ------------------
    def __add__(self, other):
        other = self._lift(other, "+")
        return _node(self.data + other.data, "+", self, 1.0, other, 1.0)  # ∂(a+b)/∂a = ∂/∂b = 1

    def __mul__(self, other):
        other = self._lift(other, "*")
        return _node(self.data * other.data, "*", self, other.data, other, self.data)  # ∂(ab)/∂a = b

    def __pow__(self, other):
        if isinstance(other, Value):
            return self._pow_value(other)
        if not isinstance(other, Real) or isinstance(other, bool):
            raise TypeError(f"Value **: exponent must be a real number or a Value, got "
                            f"{type(other).__name__} {other!r}")
        n, a = float(other), self.data
        out = _checked(lambda: a ** n, "**", f"{a!r} ** {n!r}")
        local = _power_rule(a, n)                                   # ∂(aⁿ)/∂a = n·aⁿ⁻¹
        return _node(out, f"**{_fmt(n)}", self, local)

    def _pow_value(self, other: "Value") -> "Value":
        """a ** b with b in the graph too: ∂/∂a = b·a^(b-1), ∂/∂b = a^b·ln(a) (defined for a > 0)."""
        a, b = self.data, other.data
        out = _checked(lambda: a ** b, "**", f"{a!r} ** {b!r}")
        d_base = _power_rule(a, b)
        d_exp = out * math.log(a) if a > 0 else (0.0 if a == 0 and b > 0 else math.nan)
        return _node(out, "**", self, d_base, other, d_exp)

    def __neg__(self):
        return _node(-self.data, "neg", self, -1.0)

    def __sub__(self, other):
        other = self._lift(other, "-")
        return _node(self.data - other.data, "-", self, 1.0, other, -1.0)

    def __truediv__(self, other):
        other = self._lift(other, "/")
        if other.data == 0.0:
            raise ZeroDivisionError(f"Value /: division of {self.data!r} by zero")
        inv = 1.0 / other.data
        return _node(self.data * inv, "/", self, inv, other, -self.data * inv * inv)  # ∂(a/b)/∂b = -a/b²

    def __radd__(self, other):
        return self._lift(other, "+") + self

    def __rmul__(self, other):
        return self._lift(other, "*") * self

    def __rsub__(self, other):
        return self._lift(other, "-") - self

    def __rtruediv__(self, other):
        return self._lift(other, "/") / self

    def __rpow__(self, other):
        return self._lift(other, "**") ** self

    # ---- nonlinearities ----------------------------------------------------------------
    def relu(self):
        a = self.data
        return _node(a if a > 0 else 0.0, "relu", self, 1.0 if a > 0 else 0.0)

    def tanh(self):
        t = math.tanh(self.data)                           # math.tanh saturates at ±1: no overflow
        return _node(t, "tanh", self, 1.0 - t * t)

    def sigmoid(self):
        s = _sigmoid(self.data)
        return _node(s, "sigmoid", self, s * (1.0 - s))

    def exp(self):
        e = _checked(lambda: math.exp(self.data), "exp", repr(self.data))
        return _node(e, "exp", self, e)

    def log(self):
        if self.data <= 0.0:
            raise ValueError(f"Value.log: log is defined for positive numbers, got {self.data!r}")
        return _node(math.log(self.data), "log", self, 1.0 / self.data)

    def sin(self):
        return _node(math.sin(self.data), "sin", self, math.cos(self.data))

    def cos(self):
        return _node(math.cos(self.data), "cos", self, -math.sin(self.data))

    # ---- backpropagation ---------------------------------------------------------------
    def topological_order(self) -> list:
        """Every node this one depends on, each after its parents, inputs in argument order
        (the order in which the forward pass computed them)."""
        return topological_order(self, _parents)

    def backward(self):
        """Add ∂self/∂node to `node.grad` for every node in the graph (∂self/∂self = 1).

        Semantics (as PyTorch's leaves): gradients *accumulate*. A value used in several places
        receives the sum of the gradients from each use; calling `backward()` twice adds the
        same gradients twice, so reset `.grad = 0` (or `zero_grad`) between training steps.

        How: Kahn's algorithm on the reversed graph. First count how many times each node is
        used; then start from the output and hand a node its turn only when every node that
        used it has passed its gradient back, so its gradient is complete. Iterative, so the
        graph may be any depth, and it allocates no per-node containers. The walk runs with the
        cyclic collector paused (`_paused`): its iterators could set one off, for nothing.
        """
        _paused(Value._backpropagate, self)    # (not self._backpropagate: that makes an object too)

    def _backpropagate(self):
        """The walk of `backward()`."""
        token = object()                        # marks nodes met in this call, no visited-set
        self._mark, self._uses, self._upstream = token, 0, 1.0      # ∂self/∂self = 1
        stack = [self]
        while stack:
            for parent in stack.pop()._prev:
                if parent._mark is token:
                    parent._uses += 1
                else:                           # first meeting: this call's gradient starts at 0
                    parent._mark, parent._uses, parent._upstream = token, 1, 0.0
                    stack.append(parent)
        ready = [self]
        while ready:
            node = ready.pop()
            g = node._upstream
            node.grad += g
            for parent, local in zip(node._prev, node._local):
                parent._upstream += local * g   # chain rule along one edge
                parent._uses -= 1
                if parent._uses == 0:           # all its consumers are done: its gradient is complete
                    ready.append(parent)

    def zero_grad(self):
        """Set `.grad` back to 0 on every node of this graph."""
        for node in self.topological_order():
            node.grad = 0

    # ---- comparisons and display -------------------------------------------------------
    def __float__(self):
        return self.data

    def __repr__(self):
        """As micrograd prints it, `Value(data=2.5, grad=0)`, with the label after, if there is one."""
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data}, grad={self.grad}{label})"


def _node(data: float, op: str, a=None, da=0.0, b=None, db=0.0) -> Value:
    """Fast internal constructor: the forward value, the op's name, and each parent (a, then b) with
    the local derivative ∂out/∂parent beside it.

    Every object a graph is made of is made here, with Python's cyclic collector paused as `_paused`
    does (inline: this runs for every node), so building a graph never sets a collection off."""
    collecting = _collector_enabled()
    _pause_collector()
    try:
        out = _new(Value)
        if b is not None:
            out._prev, out._local = (a, b), (da, db)
        elif a is not None:
            out._prev, out._local = (a,), (da,)
        else:
            out._prev = out._local = ()
        out.data, out.grad, out._op, out.label, out._mark = data, 0, op, "", None
    finally:
        if collecting:
            _resume_collector()
    return out


_new = object.__new__


_collector_enabled, _pause_collector, _resume_collector = gc.isenabled, gc.disable, gc.enable


def _paused(fn, value):
    """fn(value) with Python's cyclic collector paused, and left on or off as it was found (one named
    argument, not *args: packing them would make a tuple, which could itself set a collection off).

    Why it is safe for graph building and backward(): the collector exists to free reference cycles,
    and neither makes one. A Value refers to its parents, which existed before it, and to numbers,
    strings and a plain marker object, none of which can refer back; reference counting frees every
    node the moment nothing uses it. Why it pays: a collection walks every object the process holds
    (a growing graph, another engine's garbage), and building a graph makes enough objects to set one
    off every few hundred nodes. The collections it would have set off happen at the next allocation
    made anywhere else, with the same objects to look at."""
    collecting = _collector_enabled()
    _pause_collector()
    try:
        return fn(value)
    finally:
        if collecting:
            _resume_collector()


def _parents(node: Value) -> tuple:
    return node._prev


def _sigmoid(a: float) -> float:
    """1/(1+e^-a) computed without overflow for large |a|."""
    if a >= 0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


def _power_rule(a: float, n: float) -> float:
    """n·a^(n-1), with the limits PyTorch uses at a = 0 (0 for n = 0 or n >= 1, inf for 0 < n < 1)."""
    if n == 0:
        return 0.0
    if a == 0 and n < 1:
        return math.inf
    return n * a ** (n - 1)


def _checked(compute, op: str, what: str) -> float:
    """Run a float computation and turn Python's terse overflow/complex errors into clear ones."""
    try:
        out = compute()
    except OverflowError:
        raise OverflowError(f"Value {op}: {what} overflows a float") from None
    except ZeroDivisionError:
        raise ZeroDivisionError(f"Value {op}: {what} divides by zero") from None
    if isinstance(out, complex):
        raise ValueError(f"Value {op}: {what} has no real result (negative base with a fractional exponent)")
    return out


def _fmt(n: float) -> str:
    return str(int(n)) if n.is_integer() else repr(n)
