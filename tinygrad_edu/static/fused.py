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


def _sigmoid(xp, out, x, attrs):
    xp.multiply(x, 0.5, out=out)      # 0.5 * (1 + tanh(0.5 * x)), as ops.Sigmoid computes it
    xp.tanh(out, out=out)
    xp.add(out, 1, out=out)
    xp.multiply(out, 0.5, out=out)


def _clamp(xp, out, x, attrs):
    lo, hi = attrs["min"], attrs["max"]
    src = x
    if lo is not None:
        xp.maximum(src, lo, out=out)
        src = out
    if hi is not None:
        xp.minimum(src, hi, out=out)


def _power(xp, out, x, attrs):
    p = attrs["exponent"]
    fast = _FAST_POWERS.get(p)
    if fast is not None:
        getattr(xp, fast)(x, out=out)
    else:
        xp.power(x, p, out=out)


def _cast(xp, out, x, attrs):
    xp.copyto(out, x, casting="unsafe")


def _where(xp, out, cond, a, b, attrs):
    xp.copyto(out, b)
    xp.copyto(out, a, where=cond)


def _leaky(xp, out, x, attrs):
    xp.multiply(x, attrs["negative_slope"], out=out)
    xp.copyto(out, x, where=x > 0)


def _dropout(xp, out, x, mask, attrs):
    p = attrs["p"]
    xp.multiply(mask, 0.0 if p >= 1 else 1.0 / (1.0 - p), out=out)
    xp.multiply(x, out, out=out)


# op -> (NumPy step writing into `out`, whether `out` may be one of the step's own inputs)
_NUMPY = {name: ((lambda u: lambda xp, out, *a, attrs: getattr(xp, u)(*a, out=out))(ufunc), True)
          for name, ufunc in _UFUNCS.items()}
_NUMPY.update({
    "Relu": (lambda xp, out, x, attrs: xp.maximum(x, 0, out=out), True),
    "Compare": (lambda xp, out, a, b, attrs: getattr(xp, _COMPARE[attrs["kind"]])(a, b, out=out), True),
    "RPowScalar": (lambda xp, out, x, attrs: xp.power(attrs["base"], x, out=out), True),
    "Sigmoid": (_sigmoid, True), "Clamp": (_clamp, True), "PowScalar": (_power, True), "Cast": (_cast, True),
    "Where": (_where, False), "LeakyRelu": (_leaky, False), "Dropout": (_dropout, False),
})
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

    __slots__ = ("_scratch", "_kernel")
    name = "fused"
    local = ()

    def __init__(self, **attrs):
        super().__init__(**attrs)
        self._scratch, self._kernel = None, None
        program = self.attrs["program"]
        unknown = sorted({step[0] for step in program} - FUSIBLE)
        if unknown:
            raise ValueError(f"fused: ops {unknown} cannot be fused (fusible: {sorted(FUSIBLE)})")
        if len(self.attrs["dtypes"]) != len(program) or not program:
            raise ValueError("fused: expected one dtype per program step and at least one step")

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
        if hasattr(xp, "ElementwiseKernel"):                       # CuPy: one kernel for the chain
            if self._kernel is None:
                in_types = [str(a.dtype) for a in inputs]
                self._kernel = xp.ElementwiseKernel(*cuda_source(self.attrs, in_types), name="tg_fused")
            self._kernel(*inputs, out)
            return out
        program = self.attrs["program"]
        scratch = self._registers(xp)
        values = list(inputs)
        for k, (op, attrs, args) in enumerate(program):
            target = out if k == len(program) - 1 else scratch[k]
            _NUMPY[op][0](xp, target, *[values[a] for a in args], attrs=attrs)
            values.append(target)
        return out

    def _registers(self, xp):
        """One scratch array per intermediate step, made once and reused by every call. A step takes over
        the array of a value no later step reads (its own inputs too, if its kernel may write over them)."""
        if self._scratch is None:
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
