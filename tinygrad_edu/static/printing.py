"""Graphs as short text in the spirit of JAX's jaxpr: one line per node, values named like variables.

    graph(x: (32, 784) float32; state 0.weight: (784, 256) float32, 0.bias: (256,) float32) {
      %h1 = matmul %x %0.weight : (32, 256) float32
      %h2 = add %h1 %0.bias : (32, 256) float32
      %h3 = relu %h2 : (32, 256) float32
      return %h3
    }

Small constants are written inline (`mul %h4 0.5`), larger ones by name (`%c1`); attrs follow the
op in brackets (`sum[axis=(1,), keepdims=True]`); state updates end the graph (`0.weight <- %h40`).
"""
import numpy as np

from .registry import OPS

INLINE_ELEMENTS = 1


def _spec(shape, dtype) -> str:
    return f"{tuple(shape)} {dtype}"


def _attrs(attrs: dict) -> str:
    if not attrs:
        return ""
    return "[" + ", ".join(f"{k}={_plain(v)}" for k, v in attrs.items()) + "]"


def _plain(value) -> str:
    if isinstance(value, (list, tuple)):
        inner = ", ".join(_plain(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_plain(v)}" for k, v in value.items()) + "}"
    if isinstance(value, str):
        return value
    return repr(value)


def _literal(array) -> str:
    value = np.asarray(array).reshape(-1)[0].item()
    return repr(value) if not isinstance(value, float) else f"{value:.6g}" if value == value else "nan"


def op_label(node) -> str:
    """What a student reads for a node's op: the op's own short name and its attrs."""
    if node.op == "FusedElementwise":
        return "fused[" + ", ".join(op_label(_Step(*step)) for step in node.attrs["program"]) + "]"
    cls = OPS.get(node.op)
    name = getattr(cls, "name", node.op) if cls is not None else node.op
    return name + _attrs(node.attrs)


class _Step:
    """A fused program step, read like a node by `op_label`."""

    def __init__(self, op, attrs, args):
        self.op, self.attrs = op, attrs


def format_graph(g) -> str:
    inline = {name: _literal(a) for name, a in g.constants.items() if a.size <= INLINE_ELEMENTS}
    ref = lambda name: inline.get(name, f"%{name}")
    heads = [f"{n}: {_spec(*g.specs[n])}" for n in g.inputs]
    if g.state:
        heads[len(heads):] = ["state " + ", ".join(f"{n}: {_spec(*g.specs[n])}" for n in g.state)]
    lines = ["graph(" + "; ".join(heads) + ") {"]
    for name in g.constants:
        if name not in inline:
            lines.append(f"  const %{name} : {_spec(*g.specs[name])}")
    for node in g.nodes:
        args = " ".join(ref(i) for i in node.inputs)
        lines.append(f"  %{node.name} = {op_label(node)} {args} : {_spec(node.shape, node.dtype)}")
    outs = ", ".join(ref(o) for o in g.outputs)
    lines.append(f"  return {outs}" if g.single_output else f"  return ({outs})")
    for target, value in g.updates.items():
        lines.append(f"  {target} <- {ref(value)}")
    return "\n".join(lines + ["}"])
