"""`Graph`: an immutable static graph you can print, optimize, differentiate, run, save and export.

    g = tinygrad_edu.trace(model, x)      # record once
    print(g)                              # jaxpr-like text, one line per node
    g2, report = g.optimize()             # passes: Graph -> Graph, and what each changed
    y = g2(x_new)                         # run without the Python code that built it
    g2.save("model.tgraph")               # plain data: JSON structure + safetensors arrays

The graph's state (parameters, optimizer buffers) is the arrays it was traced with: running a
training-step graph updates them in place, so the model trains. Everything else is fixed data.
"""
from types import MappingProxyType

import numpy as np

from .. import backend
from ..tensor import Tensor
from ..tensor.core import _wrap
from . import executor, onnx_export, passes, printing, serialize
from .ir import spec_of


class Graph:
    """inputs (data input names, in call order), state (name -> array: parameters and optimizer
    buffers), constants (name -> array), nodes (in an order where inputs come first), outputs, updates
    (state name -> the value written back after each run), specs (leaf name -> (shape, dtype)),
    buffers (the memory plan, or None), example (input values to draw with, or None)."""

    __slots__ = ("inputs", "state", "constants", "nodes", "outputs", "updates", "specs", "single_output",
                 "buffers", "example", "_plans", "_index")
    inputs: tuple
    nodes: tuple
    outputs: tuple
    specs: MappingProxyType
    state: MappingProxyType
    constants: MappingProxyType
    updates: MappingProxyType
    single_output: bool
    buffers: MappingProxyType | None
    example: MappingProxyType | None
    _plans: dict
    _index: dict

    def __init__(self, inputs, nodes, outputs, specs, *, state=None, constants=None, updates=None,
                 single_output=True, buffers=None, example=None):
        put = object.__setattr__
        put(self, "inputs", tuple(inputs))
        put(self, "nodes", tuple(nodes))
        put(self, "outputs", tuple(outputs))
        put(self, "specs", MappingProxyType(dict(specs)))
        put(self, "state", MappingProxyType(dict(state or {})))
        put(self, "constants", MappingProxyType(dict(constants or {})))
        put(self, "updates", MappingProxyType(dict(updates or {})))
        put(self, "single_output", bool(single_output))
        put(self, "buffers", None if buffers is None else MappingProxyType(dict(buffers)))
        put(self, "example", None if example is None else MappingProxyType(dict(example)))
        put(self, "_plans", {})
        put(self, "_index", {n.name: n for n in self.nodes})

    def __setattr__(self, name, value):
        raise AttributeError(f"Graph is immutable: make a changed copy with g.replace({name}=...)")

    def replace(self, **changes) -> "Graph":
        """A new graph with some fields changed (passes build their results this way)."""
        fields = {name: getattr(self, name) for name in ("inputs", "nodes", "outputs", "specs", "state",
                                                          "constants", "updates", "single_output",
                                                          "buffers", "example")}
        if "nodes" in changes and "buffers" not in changes:
            fields["buffers"] = None                  # a plan is for one list of nodes
        fields.update(changes)
        inputs, nodes, outputs, specs = (fields.pop(k) for k in ("inputs", "nodes", "outputs", "specs"))
        return Graph(inputs, nodes, outputs, specs, **fields)

    # ----- reading -----
    def spec(self, name: str) -> tuple:
        """(shape, dtype) of any value in the graph."""
        node = self._index.get(name)
        if node is not None:
            return node.shape, node.dtype
        return self.specs[name]

    def node(self, name: str):
        return self._index[name]

    def __str__(self) -> str:
        return printing.format_graph(self)

    __repr__ = __str__

    def __len__(self) -> int:
        return len(self.nodes)

    # ----- transforming -----
    def optimize(self, pipeline=None):
        """(optimized graph, report): run the default passes (`passes.DEFAULT`) or the given list of
        `Graph -> Graph` functions one after another."""
        return passes.optimize(self, pipeline)

    def grad(self, wrt, of=None) -> "Graph":
        """A graph that also returns d(output `of`)/d(each name in `wrt`), built from each op's backward
        (the outputs come first, then one gradient per name)."""
        from .trace import grad_graph  # trace builds Graph objects, so it imports this module
        return grad_graph(self, wrt, of)

    def with_inputs(self, *values) -> "Graph":
        """The same graph with example input values, so drawings can show numbers and gradients."""
        arrays = [_array(v, name, self.spec(name), None) for v, name in zip(values, self.inputs)]
        if len(arrays) != len(self.inputs):
            raise TypeError(f"Graph.with_inputs: expected {len(self.inputs)} inputs, got {len(values)}")
        return self.replace(example=dict(zip(self.inputs, arrays)))

    def to(self, device: str) -> "Graph":
        """A copy whose state and constants live on `device` (a graph runs where its state is)."""
        move = lambda table: {k: backend.to_device(a, device) for k, a in table.items()}
        return self.replace(state=move(self.state), constants=move(self.constants))

    # ----- running -----
    def __call__(self, *inputs, parallel: bool = False):
        return self.run(*inputs, parallel=parallel)

    def run(self, *inputs, parallel: bool = False, workers: int = 2, timeline: list | None = None):
        """Run the graph on `inputs` (Tensors or arrays; checked against the input specs) and return its
        outputs as Tensors. State updates are written into the state arrays. `parallel=True` runs
        independent nodes on `workers` threads; pass a list as `timeline` to get (node, thread, start,
        end) for each node, see `executor.concurrency`."""
        if len(inputs) != len(self.inputs):
            raise TypeError(f"Graph: expected {len(self.inputs)} inputs ({', '.join(self.inputs)}), "
                            f"got {len(inputs)}")
        device = _device(inputs, self)
        arrays = [_array(v, name, self.specs[name], device) for v, name in zip(inputs, self.inputs)]
        plan = self.plan(device)
        if parallel:
            outs, spans = plan.run_parallel(arrays, self.state, workers)
            if timeline is not None:
                timeline.extend(spans)
        else:
            outs = plan.run(arrays, self.state)
        tensors = [_wrap(np.asarray(o) if isinstance(o, np.generic) else o, None, (), False) for o in outs]
        return tensors[0] if self.single_output else tuple(tensors)

    def plan(self, device: str = "cpu") -> "executor.Plan":
        """The executor's compiled plan for `device` (made on first use, then reused)."""
        plan = self._plans.get(device)
        if plan is None:
            for name, array in self.state.items():
                if backend.device_of(array) != device:
                    raise RuntimeError(f"Graph: state {name!r} lives on {backend.device_of(array)}, the "
                                       f"inputs on {device}; move the graph first with g.to({device!r})")
            plan = self._plans[device] = executor.Plan(self, device)
        return plan

    # ----- files -----
    def save(self, path) -> None:
        """Write the graph to one file (JSON structure + safetensors arrays, never pickle)."""
        serialize.save(self, path)

    def to_onnx(self, path, opset: int = onnx_export.OPSET):
        """Export to an ONNX model file (checked with `onnx.checker`); returns the ModelProto."""
        return onnx_export.export(self, path, opset)


def load_graph(path) -> Graph:
    """Read a file written by `Graph.save`, validating all of it before anything runs (any problem is an
    `archive.FileFormatError` naming the file and what is wrong)."""
    return Graph(**serialize.load(path))


def _device(inputs, g) -> str:
    for v in inputs:
        data = v.array if isinstance(v, Tensor) else v
        if type(data) in backend.XP_BY_TYPE:
            return backend.device_of(data)
    states = [backend.device_of(a) for a in g.state.values()]
    return states[0] if states else "cpu"


def _array(value, name: str, spec: tuple, device):
    """An input as an array of the declared shape and dtype, or an error naming the input."""
    data = value.array if isinstance(value, Tensor) else value
    if type(data) not in backend.XP_BY_TYPE:
        data = backend.to_device(Tensor(data, dtype=spec[1]).array, device or "cpu")
    elif device is not None and backend.device_of(data) != device:
        raise RuntimeError(f"Graph: input {name!r} is on {backend.device_of(data)}, the others on {device}")
    if spec_of(data) != (tuple(spec[0]), spec[1]):
        raise ValueError(f"Graph: input {name!r} should be {tuple(spec[0])} {spec[1]}, got "
                         f"{tuple(data.shape)} {data.dtype}")
    return data
