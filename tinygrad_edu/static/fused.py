"""One op for a whole chain of elementwise ops: the product of the fusion pass.

A chain such as `relu(a @ w + b)`'s add and relu, or an optimizer's `w - lr * g`, is one node:

    program [("Add", {}, [0, 1]), ("Relu", {}, [2])]     inputs 0, 1 are the node's inputs, 2 is step 0

On NumPy every step is one ufunc call writing into a buffer (`out=`), so the chain allocates nothing
per call; on CuPy the whole chain becomes one `ElementwiseKernel` (one pass over memory, one launch),
whose C source `cuda_source()` writes out. Each step computes exactly what its op's own forward
computes, in the same order, so results match the unfused graph.
"""

from ..ops import Op

_UFUNCS = {"Add": "add", "Sub": "subtract", "Mul": "multiply", "Div": "true_divide", "Neg": "negative",
           "Exp": "exp", "Log": "log", "Sqrt": "sqrt", "Abs": "absolute", "Sin": "sin", "Cos": "cos",
           "Tanh": "tanh", "Maximum": "maximum", "Minimum": "minimum", "LogicalNot": "logical_not"}
_COMPARE = {"lt": "less", "le": "less_equal", "gt": "greater", "ge": "greater_equal", "eq": "equal",
            "ne": "not_equal", "and": "bitwise_and", "or": "bitwise_or", "xor": "bitwise_xor"}
# NumPy's `x ** p` takes these exponents through cheaper ufuncs; doing the same keeps results identical
_FAST_POWERS = {2: "square", 0.5: "sqrt", -1: "reciprocal", 1: "positive"}


def _number(value) -> str:
    """A number as Python source (attrs are checked to be numbers; inf and nan need spelling out)."""
    value = float(value) if not isinstance(value, int) else value
    return repr(value) if value == value and abs(value) != float("inf") else f"float('{value}')"


def _ufunc(name):
    return lambda attrs, a, o: [f"xp.{name}({', '.join(a)}, out={o})"]


def _power(attrs, a, o):
    p = attrs["exponent"]
    fast = _FAST_POWERS.get(p)
    return [f"xp.{fast}({a[0]}, out={o})" if fast else f"xp.power({a[0]}, {_number(p)}, out={o})"]


def _clamp(attrs, a, o):
    lines, src = [], a[0]
    for bound, fn in ((attrs["min"], "maximum"), (attrs["max"], "minimum")):
        if bound is not None:
            lines.append(f"xp.{fn}({src}, {_number(bound)}, out={o})")
            src = o
    return lines


def _dropout_scale(p) -> str:
    return _number(0.0 if p >= 1 else 1.0 / (1.0 - p))


# op -> (NumPy statements writing the step's result into `o`, whether `o` may be one of its inputs).
# Each computes what the op's forward computes, in the same order (Sigmoid: 0.5 * (1 + tanh(0.5 x))).
_NUMPY = {name: (_ufunc(ufunc), True) for name, ufunc in _UFUNCS.items()}
_NUMPY.update({
    "Relu": (lambda attrs, a, o: [f"xp.maximum({a[0]}, 0, out={o})"], True),
    "Compare": (lambda attrs, a, o: [f"xp.{_COMPARE[attrs['kind']]}({a[0]}, {a[1]}, out={o})"], True),
    "RPowScalar": (lambda attrs, a, o: [f"xp.power({_number(attrs['base'])}, {a[0]}, out={o})"], True),
    "Sigmoid": (lambda attrs, a, o: [f"xp.multiply({a[0]}, 0.5, out={o})", f"xp.tanh({o}, out={o})",
                                     f"xp.add({o}, 1, out={o})", f"xp.multiply({o}, 0.5, out={o})"], True),
    "Clamp": (_clamp, True), "PowScalar": (_power, True),
    "Cast": (lambda attrs, a, o: [f"xp.copyto({o}, {a[0]}, casting='unsafe')"], True),
    "Where": (lambda attrs, a, o: [f"xp.copyto({o}, {a[2]})", f"xp.copyto({o}, {a[1]}, where={a[0]})"],
              False),
    "LeakyRelu": (lambda attrs, a, o: [f"xp.multiply({a[0]}, {_number(attrs['negative_slope'])}, out={o})",
                                       f"xp.copyto({o}, {a[0]}, where={a[0]} > 0)"], False),
    "Dropout": (lambda attrs, a, o: [f"xp.multiply({a[1]}, {_dropout_scale(attrs['p'])}, out={o})",
                                     f"xp.multiply({a[0]}, {o}, out={o})"], False),
})
_NUMBER_ATTRS = ("exponent", "base", "negative_slope", "p", "min", "max")
FUSIBLE = frozenset(_NUMPY)

_C_TYPES = {"float16": "float16", "float32": "float", "float64": "double", "bool": "bool",
            "int8": "signed char", "int16": "short", "int32": "int", "int64": "long long",
            "uint8": "unsigned char"}
_C_BINARY = {"Add": "+", "Sub": "-", "Mul": "*", "Div": "/"}
_C_COMPARE = {"lt": "<", "le": "<=", "gt": ">", "ge": ">=", "eq": "==", "ne": "!=", "and": "&", "or": "|",
              "xor": "^"}
_C_UNARY = {"Exp": "exp", "Log": "log", "Sqrt": "sqrt", "Abs": "fabs", "Sin": "sin", "Cos": "cos",
            "Tanh": "tanh"}


def _c_number(value, ctype: str) -> str:
    return f"(({ctype}){float(value)!r})"


def c_expression(op: str, attrs: dict, args: list, ctype: str) -> str:
    """The C expression for one step (args are C expressions; ctype is the step's result type).
    NaN propagates as in NumPy: comparisons against NaN are false, so `x < 0 ? 0 : x` keeps a NaN."""
    num = lambda v: _c_number(v, ctype)
    if op in _C_BINARY:
        return f"({args[0]} {_C_BINARY[op]} {args[1]})"
    if op in _C_UNARY:
        return f"{_C_UNARY[op]}({args[0]})"
    if op == "Compare":
        return f"({args[0]} {_C_COMPARE[attrs['kind']]} {args[1]})"
    x = args[0]
    table = {
        "Neg": lambda: f"(-{x})",
        "LogicalNot": lambda: f"(!{x})",
        "Relu": lambda: f"({x} < {num(0)} ? {num(0)} : {x})",
        "Maximum": lambda: f"(({x} > {args[-1]} || {x} != {x}) ? {x} : {args[-1]})",
        "Minimum": lambda: f"(({x} < {args[-1]} || {x} != {x}) ? {x} : {args[-1]})",
        "Sigmoid": lambda: f"({num(0.5)} * ({num(1)} + tanh({num(0.5)} * {x})))",
        "PowScalar": lambda: f"pow({x}, {num(attrs['exponent'])})",
        "RPowScalar": lambda: f"pow({num(attrs['base'])}, {x})",
        "Cast": lambda: f"static_cast<{ctype}>({x})",
        "Where": lambda: f"({x} ? {args[1]} : {args[2]})",
        "LeakyRelu": lambda: f"({x} > {num(0)} ? {x} : {x} * {num(attrs['negative_slope'])})",
        "Dropout": lambda: f"({x} * ({args[1]} * {num(0.0 if attrs['p'] >= 1 else 1 / (1 - attrs['p']))}))",
        "Clamp": lambda: _c_clamp(x, attrs, num),
    }
    return table[op]()


def _c_clamp(x: str, attrs: dict, num) -> str:
    if attrs["min"] is not None:
        x = f"({x} < {num(attrs['min'])} ? {num(attrs['min'])} : {x})"
    if attrs["max"] is not None:
        x = f"({x} > {num(attrs['max'])} ? {num(attrs['max'])} : {x})"
    return x


class FusedElementwise(Op):
    """attrs: inputs (how many), program (steps [op, attrs, args]; arg k < inputs is input k, else the
    result of step k - inputs), dtypes (one result dtype per step), shape (every step's shape).

    The last step's result is the output. `run(xp, out, *inputs)` writes it into `out`, a buffer the
    executor planned; `forward` allocates one."""

    __slots__ = ("_scratch", "_kernel", "_xp", "source")
    name = "fused"
    local = ()

    def __init__(self, **attrs):
        super().__init__(**attrs)
        self._scratch, self._kernel, self._xp, self.source = None, None, None, None
        program, n_in = self.attrs["program"], self.attrs["inputs"]
        unknown = sorted({step[0] for step in program} - FUSIBLE)
        if unknown:
            raise ValueError(f"fused: ops {unknown} cannot be fused (fusible: {sorted(FUSIBLE)})")
        if len(self.attrs["dtypes"]) != len(program) or not program:
            raise ValueError("fused: expected one dtype per program step and at least one step")
        for k, (_, step_attrs, args) in enumerate(program):
            if not all(type(a) is int and 0 <= a < n_in + k for a in args):
                raise ValueError(f"fused: step {k} reads {args}, but only values 0..{n_in + k - 1} exist")
            for key in _NUMBER_ATTRS:
                value = step_attrs.get(key)
                if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
                    raise ValueError(f"fused: step {k} attr {key} must be a number, got {value!r}")

    @property
    def writes_over_inputs(self) -> bool:
        """True when `out` may be one of the inputs (the last step reads everything before writing)."""
        return _NUMPY[self.attrs["program"][-1][0]][1]

    def forward(self, xp, *inputs):
        out = xp.empty(tuple(self.attrs["shape"]), dtype=self.attrs["dtypes"][-1])
        self.run(xp, out, *inputs)
        return out

    def backward(self, xp, g, *inputs, out):
        raise NotImplementedError("fused: take gradients before fusing (g.grad(...), then g.optimize())")

    def run(self, xp, out, *inputs):
        if self._xp is not xp:
            self._compile(xp, inputs)
        return self._kernel(out, *inputs)

    def _compile(self, xp, inputs) -> None:
        """CuPy: one ElementwiseKernel. NumPy (and strict): a generated Python function, one ufunc call
        per step, writing into scratch arrays made here once and reused by every call."""
        if hasattr(xp, "ElementwiseKernel"):
            kernel = xp.ElementwiseKernel(*cuda_source(self.attrs, [str(a.dtype) for a in inputs]),
                                          name="tg_fused")
            self._kernel = lambda out, *args: kernel(*args, out)
            self._xp = xp
            return
        program, n_in = self.attrs["program"], self.attrs["inputs"]
        scratch = self._registers(xp)
        names = [f"i{k}" for k in range(n_in)] + [f"r{k}" for k in range(len(program) - 1)] + ["out"]
        lines = [f"def kernel(out, {', '.join(names[:n_in])}):"]
        for k, (op, attrs, args) in enumerate(program):
            target = "out" if k == len(program) - 1 else f"r{k}"
            lines += ["    " + line for line in _NUMPY[op][0](attrs, [names[a] for a in args], target)]
        self.source = "\n".join(lines + ["    return out"]) + "\n"
        scope = {"xp": xp, **{f"r{k}": r for k, r in enumerate(scratch)}}
        exec(compile(self.source, "<fused kernel>", "exec"), scope)   # from checked attrs: names, numbers
        self._kernel, self._xp = scope["kernel"], xp

    def _registers(self, xp):
        """One scratch array per intermediate step, made once and reused by every call. A step takes over
        the array of a value no later step reads (its own inputs too, if its kernel may write over them)."""
        if self._scratch is None or self._xp is not xp:
            program, dtypes, n_in = self.attrs["program"], self.attrs["dtypes"], self.attrs["inputs"]
            last_read = {a: k for k, (_, _, args) in enumerate(program) for a in args}
            free, regs = [], []
            for k, (op, _, args) in enumerate(program[:-1]):
                dying = [(dtypes[a - n_in], regs[a - n_in]) for a in set(args)
                         if a >= n_in and last_read[a] == k]
                if _NUMPY[op][1]:
                    free += dying
                match = next((i for i, (dtype, _) in enumerate(free) if dtype == dtypes[k]), None)
                regs.append(free.pop(match)[1] if match is not None
                            else xp.empty(tuple(self.attrs["shape"]), dtype=dtypes[k]))
                if not _NUMPY[op][1]:
                    free += dying
            self._scratch = regs
        return self._scratch


def cuda_source(attrs: dict, in_types: list) -> tuple:
    """(in_params, out_params, operation) of the CuPy ElementwiseKernel computing the program: parameters
    are declared with NumPy dtype names ("float32 i0"), each step becomes one typed C variable, and the
    last step is assigned to `out`."""
    program, dtypes, n_in = attrs["program"], attrs["dtypes"], attrs["inputs"]
    in_params = ", ".join(f"{t} i{k}" for k, t in enumerate(in_types))
    out_params = f"{dtypes[-1]} out"
    names = [f"i{k}" for k in range(n_in)]
    lines = []
    for k, (op, step_attrs, args) in enumerate(program):
        ctype = _C_TYPES[dtypes[k]]
        expr = c_expression(op, step_attrs, [names[a] for a in args], ctype)
        if k == len(program) - 1:
            lines.append(f"out = {expr};")
        else:
            lines.append(f"{ctype} t{k} = {expr};")
            names.append(f"t{k}")
    return in_params, out_params, " ".join(lines)
