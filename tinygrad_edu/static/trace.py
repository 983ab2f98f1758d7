"""`trace(fn, *example_inputs)`: run `fn` once and record every op it applies into a `Graph`.

How: tracing sets `tensor.core.recorder`; every op the Tensor engine applies reports itself (op,
output, inputs), and values are told apart by their arrays. An array the recorder has not seen
becomes a leaf: state when it belongs to a parameter (named after the module's attribute, e.g.
"0.weight") or another leaf that requires grad, a constant otherwise. `backward()` inside a trace is
recorded too (it builds gradients from ops, as with create_graph=True), and `optimizer.step()`
becomes update nodes (optim_rules.py), so a whole training step is one graph.

What a trace cannot see: Python control flow is recorded as the branch taken, and a value taken out
of the graph (`item()`, `float()`, `bool()`, `.numpy()`) is a constant from then on; both warn
(`TracerWarning`). Tracing changes nothing: parameters, gradients and optimizer state are as before.
"""
import inspect
import itertools
import json
import re
import warnings

import numpy as np

from .. import backend
from ..tensor import Tensor, apply, core, grad, no_grad
from .check import TracerWarning, follows_inputs
from .graph import Graph
from .ir import Node, spec_of
from .optim_rules import step_rule
from .registry import build, key_of

NAME = re.compile(r"^[A-Za-z0-9_][\w.']*$")


class TraceError(RuntimeError):
    """`fn` did something a static graph cannot hold (the message says what, and where to change it)."""


class Recorder:
    """Collects the graph while `fn` runs: value names by array, nodes, leaves and state updates."""

    def __init__(self, state_names: dict):
        self.names: dict = {}                 # id(array) -> value name
        self.alive: list = []                 # what keeps those ids unique while tracing
        self.nodes: list = []
        self.specs: dict = {}
        self.inputs: list = []
        self.state: dict = {}
        self.constants: dict = {}
        self.const_sources: dict = {}
        self.held: dict = {}          # state name -> (tensor, its array, a copy, its grad) to restore
        self.state_names = state_names      # id(tensor) -> name, from the modules and optimizers found
        self.labels: dict = {}              # value name -> tensor whose `.name` may rename it
        self.derived: set = set()           # values computed from inputs or state (not constants alone)
        self.before = {k: _copy(t.array) for k, (_, t) in state_names.items()}   # to catch raw in-place math
        self.counter, self.consts = itertools.count(1), itertools.count(1)
        self.eager: tuple = ()

    # ----- leaves -----
    def add_input(self, name: str, tensor: Tensor) -> None:
        self._leaf(name, tensor.array)
        self.inputs.append(name)
        self.derived.add(name)

    def add_state(self, name: str, tensor: Tensor) -> str:
        if name in self.specs:
            raise TraceError(f"trace: two state tensors are both named {name!r}")
        self._leaf(name, tensor.array)
        self.state[name] = tensor.array
        copy = self.before.get(id(tensor))
        self.held[name] = (tensor, tensor.array, _copy(tensor.array) if copy is None else copy, tensor.grad)
        self.derived.add(name)
        return name

    def _leaf(self, name, array) -> None:
        self.names[id(array)] = name
        self.alive.append(array)
        self.specs[name] = spec_of(array)

    def value(self, t: Tensor) -> str:
        """The name of the value held by `t`, making it a leaf the first time it is seen."""
        name = self.names.get(id(t.array))
        if name is not None:
            return name
        named = self.state_names.get(id(t), (None,))[0]
        if named is not None or (t.requires_grad and t._op is None):
            return self.add_state(named or self._free(t.name or "param"), t)
        name = f"c{next(self.consts)}"
        self._leaf(name, t.array)
        self.constants[name], self.const_sources[name] = _copy(t.array), t.array
        return name

    def _free(self, base: str) -> str:
        base = base if NAME.match(base) else "param"
        k = 0
        while (f"{base}{k}" if k else base) in self.specs:
            k += 1
        return f"{base}{k}" if k else base

    # ----- what core and optim report -----
    def record(self, op, out: Tensor, tensors) -> None:
        inputs = tuple(self.value(t) for t in tensors)
        if op.name in ("getitem", "index_add") and any(t.dtype.kind == "b" for t in tensors[1:]):
            raise TraceError("trace: indexing with a boolean mask has a shape that depends on the data; a "
                             "static graph needs fixed shapes (use where() or masked_fill instead)")
        self._node(key_of(op), _plain_attrs(op), inputs, out)

    def _node(self, op: str, attrs: dict, inputs: tuple, out: Tensor) -> None:
        name = f"h{next(self.counter)}"
        shape, dtype = spec_of(out.array)
        self.nodes.append(Node(name, op, inputs, shape, dtype, attrs))
        if any(i in self.derived for i in inputs):
            self.derived.add(name)
        self.names[id(out.array)] = name
        self.alive.append(out)
        self.labels[name] = out

    def untracked(self, function: str, kwargs: dict, x: Tensor, out: Tensor) -> None:
        """sign(), all(), any()... of a traced value: recorded as a Piecewise node, not a constant."""
        name = self.names.get(id(x.array))
        if name not in self.derived:
            return
        plain = {k: (np.dtype(v).name if v is not None and not isinstance(v, (bool, int, float, str)) else v)
                 for k, v in kwargs.items()}
        self._node("Piecewise", {"function": function, "kwargs": plain}, (name,), out)

    def leaves_graph(self, t: Tensor, how: str) -> None:
        name = self.names.get(id(t.array))
        if name not in self.derived:
            return
        warnings.warn(f"trace: traced value %{name} {t.shape} was converted to {how}; the graph keeps the "
                      "value it had now (and any Python branch taken on it), so it will not follow new "
                      "inputs", TracerWarning, stacklevel=4)

    def optimizer_step(self, opt) -> None:
        rule = step_rule(opt)
        with no_grad():
            for group in opt.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        self._step_one(opt, rule, p, group)

    def _step_one(self, opt, rule, p, group) -> None:
        pname = self.value(p)
        if pname not in self.state:
            raise TraceError(f"trace: the optimizer updates %{pname}, which is not a parameter")
        saved, buffers = opt.state.get(id(p), {}), {}

        def slot(key, initial):
            name = f"{pname}.{key}"
            if name not in self.state:
                start = saved.get(key, initial)
                array = np.asarray(start, dtype=np.asarray(initial).dtype).copy() \
                    if type(start) not in backend.XP_BY_TYPE else _copy(start)
                buffers[key] = Tensor(backend.to_device(array, p.device))
                self.add_state(name, buffers[key])
            return self.held[name][0]

        new_p, new_buffers = rule(p, p.grad, group, slot)
        for key, value in new_buffers.items():
            self.held[f"{pname}.{key}"][0].array = value.array
        p.array = new_p.array

    # ----- the end -----
    def finish(self, outputs, single: bool, example: dict) -> Graph:
        rename = self._renames()
        try:
            out_names = [self.value(o) for o in outputs]
            updates = {}
            for name, (tensor, array, _, _) in self.held.items():
                if tensor.array is not array:
                    new = self.names.get(id(tensor.array))
                    if new is None:
                        raise TraceError(f"trace: state {name!r} was given an array computed outside the "
                                         "traced ops; update it with tensor operations or an optimizer")
                    updates[name] = new
            self.eager = ([o.array for o in outputs], {k: self.held[k][0].array for k in updates})
        finally:
            self._restore()
        self._check_mutations()
        def r(name: str) -> str:
            return rename.get(name, name)

        nodes = [Node(r(n.name), n.op, tuple(r(i) for i in n.inputs), n.shape, n.dtype, n.attrs)
                 for n in self.nodes]
        return Graph(self.inputs, nodes, [r(o) for o in out_names], self.specs, state=self.state,
                     constants=self.constants, updates={k: r(v) for k, v in updates.items()},
                     single_output=single, example=example)

    def _renames(self) -> dict:
        """Values users named (`t.name = "loss"`) and gradients of state ("0.weight.grad") take those
        names."""
        wanted = {}
        for name, (tensor, _, _, _) in self.held.items():
            g = tensor.grad
            if g is not None and self.names.get(id(g.array), "").startswith("h"):
                wanted[self.names[id(g.array)]] = f"{name}.grad"
        for value, tensor in self.labels.items():
            if tensor.name and NAME.match(tensor.name):
                wanted[value] = tensor.name
        taken, rename = set(self.specs), {}
        for value, name in wanted.items():
            if name not in taken:
                rename[value] = name
                taken.add(name)
        return rename

    def _restore(self) -> None:
        for tensor, array, _, grad_before in self.held.values():
            tensor.array, tensor.grad = array, grad_before

    def _check_mutations(self) -> None:
        """Raw in-place array math (`p.array -= ...`) is invisible to a trace: refuse it, undo it."""
        changed = [name for name, (_, array, copy, _) in self.held.items() if not _same(array, copy)]
        changed += [name for name, array in self.const_sources.items()
                    if not _same(array, self.constants[name])]
        for name in changed:
            if name in self.held:
                _, array, copy, _ = self.held[name]
                array[...] = copy
        if changed:
            raise TraceError(f"trace: the function changed {', '.join(changed)} in place with raw array "
                             "math, which a graph cannot record (undone); use tensor operations (x = x - y) "
                             "or an optimizer's step()")


def _copy(array):
    return array.copy()


def _same(a, b) -> bool:
    xp = backend.xp_of(a)
    return bool(xp.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))


def _plain_attrs(op) -> dict:
    try:
        return json.loads(json.dumps(op.attrs))
    except (TypeError, ValueError):
        raise TraceError(f"trace: op {op.name} has attrs that are not plain data: {op.attrs!r}") from None


# ----- finding names and running the trace -----
def scope_of(fn) -> dict:
    """The objects `fn` can reach by name: its closure, the globals it names, its bound object."""
    target = getattr(fn, "__func__", fn)
    code = getattr(target, "__code__", None)
    closure = (c.cell_contents for c in target.__closure__ or ())
    cells = dict(zip(code.co_freevars, closure)) if code else {}
    referenced = set(code.co_names) if code else set()
    scope = {**{k: v for k, v in getattr(target, "__globals__", {}).items() if k in referenced}, **cells}
    bound = getattr(fn, "__self__", None)
    if bound is not None:
        scope["self"] = bound
    return scope


def optimizers_of(fn) -> list:
    """The optimizers `fn` uses by name (their hyperparameters are fixed into a traced step)."""
    return [] if _is_module(fn) else [v for v in scope_of(fn).values() if hasattr(v, "param_groups")]


def _named_state(fn, args) -> dict:
    """id(tensor) -> (name, tensor) for the parameters and buffers of `fn` (a Module) or of the modules it
    uses (found in its closure, its globals and its bound object), and the optimizers' parameters."""
    found = []
    scope = {} if _is_module(fn) else scope_of(fn)
    if _is_module(fn):
        found.append(("", fn))
    else:
        found = [(k, v) for k, v in scope.items() if _is_module(v) or hasattr(v, "param_groups")]
    modules = [(k, v) for k, v in found if _is_module(v)]
    prefix = (lambda k: f"{k}.") if len(modules) > 1 else (lambda k: "")
    names: dict = {}
    if not _is_module(fn):       # tensors the function uses by name: `w` in `x @ w`, ps[0] as "ps0"
        for key, value in scope.items():
            group = value if isinstance(value, (list, tuple)) else [value]
            for i, t in enumerate(group):
                if isinstance(t, Tensor) and t.requires_grad and t.is_leaf:
                    names.setdefault(id(t), (key if group is not value else f"{key}{i}", t))
    for key, module in modules:
        for table in (module.named_parameters(), module.named_buffers()):
            for name, t in table:
                names.setdefault(id(t), (prefix(key) + name, t))
    for key, opt in found:
        if hasattr(opt, "param_groups"):
            for i, p in enumerate(q for group in opt.param_groups for q in group["params"]):
                names.setdefault(id(p), (f"{key}.param{i}", p))
    return names


def _is_module(value) -> bool:
    return all(callable(getattr(value, m, None)) for m in ("named_parameters", "named_buffers"))


def input_names(fn, count: int) -> list:
    """The names of fn's positional parameters (forward's for a Module), else x0, x1, ..."""
    target = fn.forward if _is_module(fn) else fn
    try:
        params = [p.name for p in inspect.signature(target).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    return [params[k] if k < len(params) and NAME.match(params[k]) else f"x{k}" for k in range(count)]


def is_tensor_like(value) -> bool:
    return isinstance(value, (Tensor, np.ndarray)) or type(value) in backend.XP_BY_TYPE


def run_traced(fn, args, names, state_names, check: bool = True) -> Graph:
    """Trace fn(*args): tensor-like args are graph inputs, anything else is fixed (baked in). With
    `check`, fn is traced a second time on changed inputs and the graph must follow (see check.py)."""
    g, _ = _record(fn, args, names, state_names)
    if check:
        follows_inputs(g, args, lambda moved: _record(fn, moved, names, state_names))
    return g


def _record(fn, args, names, state_names) -> tuple:
    """(graph, (eager outputs, eager new state)) of one run of fn under a recorder."""
    if core.recorder is not None:
        raise TraceError("trace: already tracing (trace or jit called inside a traced function)")
    recorder = Recorder(state_names)
    call_args, example = [], {}
    for value, name in zip(args, names):
        if is_tensor_like(value):
            t = value if isinstance(value, Tensor) else Tensor(value)
            tracer = core._wrap(t.array, None, (), t.requires_grad)
            recorder.add_input(name, tracer)
            call_args.append(tracer)
            example[name] = t.array
        else:
            call_args.append(value)
    core.recorder = recorder
    try:
        with np.errstate(all="ignore"):
            result = fn(*call_args)
    except BaseException:
        core.recorder = None
        recorder._restore()
        raise
    core.recorder = None
    single = isinstance(result, Tensor)
    outputs = [result] if single else list(result) if isinstance(result, (tuple, list)) else None
    if outputs is None or not all(isinstance(o, Tensor) for o in outputs):
        recorder._restore()
        raise TraceError(f"trace: the function must return a Tensor or a tuple of Tensors, got "
                         f"{type(result).__name__}")
    return recorder.finish(outputs, single, example), recorder.eager


def trace(fn, *example_inputs, check: bool = True) -> Graph:
    """Record `fn(*example_inputs)` as a static `Graph`. `fn` may be a function or an nn.Module; its
    parameters become named state ("0.weight"). Tensor and array arguments are the graph's inputs;
    other arguments (numbers, strings) are fixed into the graph. `check` (default) traces once more on
    changed inputs and warns if the graph does not follow them (see check.py)."""
    names = input_names(fn, len(example_inputs))
    return run_traced(fn, example_inputs, names, _named_state(fn, example_inputs), check)


def grad_graph(g: Graph, wrt, of=None) -> Graph:
    """g.grad(wrt): replay g on tracer tensors and record the backward that each op's own backward
    builds (the create_graph path), so the gradient part is made of the same ops as the forward."""
    wrt = [wrt] if isinstance(wrt, str) else list(wrt)
    unknown = [w for w in wrt if w not in g.inputs and w not in g.state]
    if unknown:
        raise KeyError(f"Graph.grad: {unknown} are not inputs or state of this graph "
                       f"(inputs {list(g.inputs)}, state {list(g.state)})")
    index = 0 if of is None else (of if isinstance(of, int) else list(g.outputs).index(of))
    leaves = {name: core._wrap(a, None, (), name in wrt and a.dtype.kind == "f")
              for name, a in g.state.items()}
    consts = {name: core._wrap(a, None, (), False) for name, a in g.constants.items()}

    def replay(*inputs):
        env = {**dict(zip(g.inputs, inputs)), **leaves, **consts}
        for name in g.inputs:
            if name in wrt:
                env[name] = env[name].detach().requires_grad_()
        for node in g.nodes:          # a traced conv may have skipped its input's gradient: not here
            attrs = {**node.attrs, "input_grad": True} if node.op == "Conv2d" else node.attrs
            env[node.name] = apply(build(node.op, attrs), *[env[i] for i in node.inputs])
        outs = [env[o] for o in g.outputs]
        grads = grad(outs[index], [env[w] for w in wrt], create_graph=True, allow_unused=True)
        for w, gw in zip(wrt, grads):
            if gw is not None:
                gw.name = f"{w}.grad"
        for target, value in g.updates.items():
            leaves[target].array = env[value].array
        zeros = [Tensor(np.zeros(*g.spec(w))) for w, gw in zip(wrt, grads) if gw is None]
        return (*outs, *[gw if gw is not None else zeros.pop(0) for gw in grads])

    example = [g.example[n] if g.example else np.zeros(*g.specs[n]) for n in g.inputs]
    state_names = {id(t): (name, t) for name, t in leaves.items()}
    return run_traced(replay, example, list(g.inputs), state_names, check=False)
