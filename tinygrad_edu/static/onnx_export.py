"""Export a Graph to ONNX, for onnxruntime, other frameworks and Netron (netron.app draws the file).

Each graph node becomes one or a few ONNX nodes (a fused chain is unfolded back into its steps);
state and constants become initializers. The `onnx` package builds the model and `onnx.checker`
checks it; an op without an ONNX form raises NotImplementedError naming it. Inference graphs only:
a graph that updates state (a training step) is refused.
"""
import numpy as np

from .. import backend
from .ir import Node
from .printing import op_label

OPSET = 17
_SAME = {"Add": "Add", "Sub": "Sub", "Mul": "Mul", "Div": "Div", "Neg": "Neg", "Exp": "Exp", "Log": "Log",
         "Sqrt": "Sqrt", "Abs": "Abs", "Sin": "Sin", "Cos": "Cos", "Tanh": "Tanh", "Sigmoid": "Sigmoid",
         "Relu": "Relu", "MatMul": "MatMul", "Maximum": "Max", "Minimum": "Min", "Where": "Where",
         "LogicalNot": "Not", "Pow": "Pow"}
_COMPARE = {"lt": "Less", "le": "LessOrEqual", "gt": "Greater", "ge": "GreaterOrEqual", "eq": "Equal",
            "and": "And", "or": "Or", "xor": "Xor"}
_REDUCE = {"Sum": "ReduceSum", "Mean": "ReduceMean", "Max": "ReduceMax", "Min": "ReduceMin",
           "LogSumExp": "ReduceLogSumExp"}


class _Builder:
    """ONNX nodes and initializers under construction; graph value names are used as ONNX names."""

    def __init__(self, onnx, g):
        self.onnx, self.helper, self.g = onnx, onnx.helper, g
        self.nodes, self.initializers, self.count = [], [], 0

    def const(self, array) -> str:
        self.count += 1
        name = f"_const{self.count}"
        self.initializers.append(self.onnx.numpy_helper.from_array(np.asarray(array), name))
        return name

    def emit(self, op_type, inputs, outputs, **attrs) -> None:
        self.nodes.append(self.helper.make_node(op_type, list(inputs), list(outputs), **attrs))

    def temp(self) -> str:
        self.count += 1
        return f"_t{self.count}"

    def dtype(self, name) -> str:
        return self.g.spec(name)[1] if name in self.g.specs or name in self.g._index else "float32"


def export(g, path, opset: int = OPSET):
    try:
        import onnx
    except ImportError as err:
        raise RuntimeError("to_onnx needs the onnx package: pip install onnx (in the dev extra)") from err
    if g.updates:
        raise ValueError("to_onnx: this graph updates state (a training step); export an inference graph "
                         "(trace the model alone)")
    b = _Builder(onnx, g)
    for name, array in {**g.state, **g.constants}.items():
        b.initializers.append(onnx.numpy_helper.from_array(backend.to_host(array), name))
    for node in g.nodes:
        _convert(b, node)
    value_info = lambda name: onnx.helper.make_tensor_value_info(
        name, onnx.helper.np_dtype_to_tensor_dtype(np.dtype(g.spec(name)[1])), list(g.spec(name)[0]))
    graph = onnx.helper.make_graph(b.nodes, "tinygrad_edu", [value_info(n) for n in g.inputs],
                                   [value_info(n) for n in g.outputs], b.initializers)
    model = onnx.helper.make_model(graph, opset_imports=[onnx.helper.make_opsetid("", opset)],
                                   producer_name="tinygrad_edu")
    model.ir_version = min(model.ir_version, 8)
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, str(path))
    return model


def _convert(b, node) -> None:
    op, a, ins, out = node.op, node.attrs, list(node.inputs), node.name
    if op in _SAME:
        b.emit(_SAME[op], ins, [out])
    elif op == "Compare":
        if a["kind"] == "ne":
            eq = b.temp()
            b.emit("Equal", ins, [eq])
            b.emit("Not", [eq], [out])
        else:
            b.emit(_COMPARE[a["kind"]], ins, [out])
    elif op == "LeakyRelu":
        b.emit("LeakyRelu", ins, [out], alpha=float(a["negative_slope"]))
    elif op == "PowScalar":
        b.emit("Pow", [ins[0], b.const(np.asarray(a["exponent"], node.dtype))], [out])
    elif op == "RPowScalar":
        b.emit("Pow", [b.const(np.asarray(a["base"], node.dtype)), ins[0]], [out])
    elif op == "Cast":
        b.emit("Cast", ins, [out], to=b.helper.np_dtype_to_tensor_dtype(np.dtype(a["dtype"])))
    elif op == "Clamp":
        bound = lambda v: "" if v is None else b.const(np.asarray(v, node.dtype))
        b.emit("Clip", [ins[0], bound(a["min"]), bound(a["max"])], [out])
    elif op in ("Reshape", "Expand"):
        b.emit(op, [ins[0], b.const(np.asarray(a["shape"], np.int64))], [out])
    elif op == "Permute":
        b.emit("Transpose", ins, [out], perm=list(a["dims"]))
    elif op in _REDUCE:
        _reduce(b, node)
    elif op in ("Softmax", "LogSoftmax"):
        if len(a["axis"]) != 1:
            raise NotImplementedError(f"to_onnx: {op} over several axes {a['axis']}")
        b.emit(op, ins, [out], axis=int(a["axis"][0]))
    elif op == "Cat":
        b.emit("Concat", ins, [out], axis=int(a["axis"]))
    elif op == "Stack":
        axes = b.const(np.asarray([a["axis"]], np.int64))
        parts = [b.temp() for _ in ins]
        for i, p in zip(ins, parts):
            b.emit("Unsqueeze", [i, axes], [p])
        b.emit("Concat", parts, [out], axis=int(a["axis"]))
    elif op == "Pad":
        pads = [p[0] for p in a["pad_width"]] + [p[1] for p in a["pad_width"]]
        value = b.const(np.asarray(a["value"], node.dtype))
        b.emit("Pad", [ins[0], b.const(np.asarray(pads, np.int64)), value], [out], mode="constant")
    elif op == "GetItem":
        _getitem(b, node)
    elif op == "Dropout":
        scale = b.const(np.asarray(0.0 if a["p"] >= 1 else 1 / (1 - a["p"]), node.dtype))
        masked = b.temp()
        b.emit("Mul", [ins[1], scale], [masked])
        b.emit("Mul", [ins[0], masked], [out])
    elif op == "Conv2d":
        top, bottom, left, right = a["padding"]
        b.emit("Conv", ins, [out], strides=list(a["stride"]), pads=[top, left, bottom, right],
               dilations=list(a["dilation"]), group=int(a["groups"]))
    elif op in ("MaxPool2d", "AvgPool2d"):
        _pool(b, node)
    elif op == "FusedElementwise":
        _fused(b, node)
    elif op == "RNNCell":                       # h' = act(xw + h @ Whhᵀ): three ONNX nodes
        w_t, hw, pre = b.temp(), b.temp(), b.temp()
        b.emit("Transpose", [ins[2]], [w_t], perm=[1, 0])
        b.emit("MatMul", [ins[1], w_t], [hw])
        b.emit("Add", [ins[0], hw], [pre])
        b.emit("Tanh" if a["nonlinearity"] == "tanh" else "Relu", [pre], [out])
    else:
        raise NotImplementedError(f"to_onnx: op {op_label(node)!r} ({op}) has no ONNX export")


def _reduce(b, node) -> None:
    a, axes = node.attrs, node.attrs["axis"]
    keep = int(bool(a["keepdims"]))
    if node.op == "Sum":
        inputs = list(node.inputs) + ([b.const(np.asarray(axes, np.int64))] if axes is not None else [])
        b.emit("ReduceSum", inputs, [node.name], keepdims=keep)
    else:
        extra = {} if axes is None else {"axes": list(axes)}
        b.emit(_REDUCE[node.op], list(node.inputs), [node.name], keepdims=keep, **extra)


def _pool(b, node) -> None:
    a = node.attrs
    ph, pw = a["padding"]
    common = dict(kernel_shape=list(a["kernel_size"]), strides=list(a["stride"]), pads=[ph, pw, ph, pw],
                  ceil_mode=int(bool(a["ceil_mode"])))
    if node.op == "MaxPool2d":
        b.emit("MaxPool", list(node.inputs), [node.name], dilations=list(a.get("dilation", (1, 1))), **common)
    else:
        if a.get("divisor_override"):
            raise NotImplementedError("to_onnx: avg_pool2d with divisor_override has no ONNX form")
        b.emit("AveragePool", list(node.inputs), [node.name],
               count_include_pad=int(bool(a["count_include_pad"])), **common)


def _getitem(b, node) -> None:
    """Ints, slices, None and "..." as Slice + Squeeze + Unsqueeze; one index array as Gather."""
    spec, x = list(node.attrs["index"]), node.inputs[0]
    ndim = len(b.g.spec(x)[0])
    if "..." in spec:
        at = spec.index("...")
        fill = ndim - sum(1 for e in spec if e is not None and e != "...")
        spec[at:at + 1] = [("slice", None, None, None)] * fill
    arrays = [e for e in spec if isinstance(e, (list, tuple)) and e[0] == "array"]
    starts, ends, axes, steps, squeeze, unsqueeze, gather = [], [], [], [], [], [], None
    axis = out_axis = 0
    index_ndim = len(b.g.spec(node.inputs[1])[0]) if arrays else 1
    for entry in spec:
        if entry is None:
            unsqueeze.append(out_axis)
            out_axis += 1
            continue
        if isinstance(entry, int):
            starts.append(entry)
            ends.append(entry + 1 if entry != -1 else np.iinfo(np.int64).max)
            axes.append(axis)
            steps.append(1)
            squeeze.append(axis)
            out_axis -= 1
        elif entry[0] == "slice":
            start, stop, step = entry[1:]
            step = 1 if step is None else step
            big = np.iinfo(np.int64).max
            starts.append(start if start is not None else (0 if step > 0 else big))
            ends.append(stop if stop is not None else (big if step > 0 else -big))
            axes.append(axis)
            steps.append(step)
        else:
            if len(arrays) > 1:
                raise NotImplementedError("to_onnx: indexing with more than one index array")
            gather = axis
            out_axis += index_ndim - 1
        axis += 1
        out_axis += 1
    current = x
    if axes:
        sliced = b.temp()
        consts = [b.const(np.asarray(v, np.int64)) for v in (starts, ends, axes, steps)]
        b.emit("Slice", [current] + consts, [sliced])
        current = sliced
    if gather is not None:
        gathered = b.temp()
        b.emit("Gather", [current, node.inputs[1]], [gathered], axis=gather)
        current = gathered
    if squeeze:
        squeeze = [a + (index_ndim - 1 if gather is not None and a > gather else 0) for a in squeeze]
        squeezed = b.temp()
        b.emit("Squeeze", [current, b.const(np.asarray(squeeze, np.int64))], [squeezed])
        current = squeezed
    if unsqueeze:
        b.emit("Unsqueeze", [current, b.const(np.asarray(unsqueeze, np.int64))], [node.name])
    else:
        b.emit("Identity", [current], [node.name])


def _fused(b, node) -> None:
    """A fused chain back into one ONNX node per step."""
    a = node.attrs
    names = list(node.inputs)
    for k, (op, attrs, args) in enumerate(a["program"]):
        name = node.name if k == len(a["program"]) - 1 else b.temp()
        _convert(b, Node(name, op, tuple(names[i] for i in args), tuple(a["shape"]), a["dtypes"][k], attrs))
        names.append(name)
