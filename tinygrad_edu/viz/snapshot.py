"""snapshot(root): a computational graph as plain data, the one thing drawings and widgets read.

Layout of the result (JSON-safe):
- nodes: variables (kind "var": a value in the graph) and operations (kind "op", their own small node
  between inputs and output, as in the classic backprop picture). Ids are stable: "v<k>" for the k-th
  variable in topological order, "o<k>" for the op that produced it.
- edges: "e<k>_<i>" from input i to op o<k> (with the local derivative ∂v<k>/∂input), "e<k>_out" from
  o<k> to v<k>.
- events: forward steps (inputs first, then each op in topological order), then backward steps from the
  output back to the inputs, one per edge, each with the upstream gradient, the local derivative, their
  product and the running sum at the input (where a value feeds several nodes the sum grows).
"""
import numpy as np

from ..graph_walk import topological_order
from . import plain
from .adapters import adapter_for

NOT_COMPUTED = "not computed yet"
_INFIX = {"+", "-", "*", "/", "**"}


def snapshot(root) -> dict:
    """Describe the graph that computed `root` (a `Value` or `Tensor`) without changing it."""
    adapter = adapter_for(root, "snapshot")
    order = topological_order(root, adapter.parents)
    index = {id(node): k for k, node in enumerate(order)}
    names = [adapter.name(node) or f"v{k}" for k, node in enumerate(order)]
    nodes, edges = [], []
    for k, node in enumerate(order):
        nodes.append(_var_node(adapter, node, k, names[k]))
        if adapter.op(node) is not None:
            parent_ids = [index[id(p)] for p in adapter.parents(node)]
            nodes.append(_op_node(adapter, node, k, parent_ids))
            edges.extend(_edges(adapter, node, k, parent_ids, names))
    broadcast = {e["id"]: e["broadcast"] for e in edges if e.get("broadcast")}
    values = [n["value"] for n in nodes if n["kind"] == "var"]       # one summary per node, reused
    events = _forward_events(adapter, order, index, names, values) + _backward_events(adapter, order, index,
                                                                                      names, broadcast)
    for step, event in enumerate(events):
        event["step"] = step
    return {"format": "tinygrad_edu.snapshot/1", "graph": adapter.kind, "root": f"v{len(order) - 1}",
            "nodes": nodes, "edges": edges, "events": events}


def _var_node(adapter, node, k: int, name: str) -> dict:
    value, grad = adapter.value(node), adapter.grad(node)
    return {"id": f"v{k}", "kind": "var", "label": adapter.name(node), "name": name,
            "leaf": adapter.op(node) is None, "shape": adapter.shape(node), "dtype": adapter.dtype(node),
            "value": value, "value_text": plain.describe(value), "grad": grad,
            "grad_text": plain.describe(grad), "scope": adapter.scope(node)}


def _op_node(adapter, node, k: int, parent_ids: list) -> dict:
    return {"id": f"o{k}", "kind": "op", "op": adapter.op(node), "label": adapter.op(node),
            "attrs": adapter.attrs(node), "inputs": [f"v{j}" for j in parent_ids], "output": f"v{k}",
            "scope": adapter.scope(node)}


def _edges(adapter, node, k: int, parent_ids: list, names: list) -> list:
    parent_names = [names[j] for j in parent_ids]
    texts = adapter.local_texts(node, parent_names, names[k])
    values = adapter.local_values(node)
    parents = adapter.parents(node)
    out_shape = adapter.shape(node)
    edges = []
    for i, (j, parent) in enumerate(zip(parent_ids, parents)):
        shape = adapter.shape(parent)
        edges.append({"id": f"e{k}_{i}", "kind": "input", "source": f"v{j}", "target": f"o{k}", "index": i,
                      "shape": shape, "local": values[i], "local_text": texts[i],
                      "broadcast": _broadcast(shape, out_shape, [adapter.shape(p) for p in parents])})
    edges.append({"id": f"e{k}_out", "kind": "output", "source": f"o{k}", "target": f"v{k}",
                  "shape": out_shape})
    return edges


def _broadcast(shape: list, out_shape: list, all_shapes: list):
    """Where an input was stretched to the output's shape, backward sums the gradient back: say so."""
    if len(all_shapes) < 2 or shape == out_shape:
        return None
    try:
        stretched = list(np.broadcast_shapes(*map(tuple, all_shapes))) == out_shape
    except ValueError:
        return None
    return {"from": out_shape, "to": shape} if stretched else None


def _forward_events(adapter, order: list, index: dict, names: list, values: list) -> list:
    """Inputs first (they are given), then each computed value in topological order."""
    leaves = [k for k, node in enumerate(order) if adapter.op(node) is None]
    computed = [k for k, node in enumerate(order) if adapter.op(node) is not None]
    events = []
    for k in leaves + computed:
        node, op, value = order[k], adapter.op(order[k]), values[k]
        event = {"phase": "forward", "node": f"v{k}", "value": value, "value_text": plain.describe(value),
                 "op_node": None, "edges": []}
        if op is None:
            event["text"] = f"{names[k]} = {plain.describe(value)}"
        else:
            args = [names[index[id(p)]] for p in adapter.parents(node)]
            event.update(op_node=f"o{k}", edges=[f"e{k}_{i}" for i in range(len(args))] + [f"e{k}_out"],
                         text=f"{names[k]} = {_expression(op, args)} = {plain.describe(value)}")
        events.append(event)
    return events


def _expression(op: str, args: list) -> str:
    if op in _INFIX and len(args) == 2:
        return f"{args[0]} {op} {args[1]}"
    if op.startswith("**") and len(args) == 1:
        return f"{args[0]}{op}"
    return f"{op}({', '.join(args)})"


def _backward_events(adapter, order: list, index: dict, names: list, broadcast: dict) -> list:
    """From the output (∂root/∂root = 1) back to the inputs, one event per edge a gradient flows on.

    Reverse topological order guarantees every user of a value has passed its gradient back before
    that value passes its own on, exactly as backward() does.
    """
    root_k = len(order) - 1
    top = names[root_k]
    grads = {root_k: adapter.seed(order[root_k])}
    uses = [0] * len(order)
    for node in order:
        if adapter.op(node) is not None:
            for parent in adapter.parents(node):
                uses[index[id(parent)]] += adapter.carries_grad(node, parent)
    received = [0] * len(order)
    seed = adapter.to_plain(grads[root_k])
    events = [{"phase": "backward", "node": f"v{root_k}", "grad": seed, "grad_text": plain.describe(seed),
               "uses": 0, "use": 0,
               "text": f"∂{top}/∂{top} = 1"}]
    for k in range(root_k, -1, -1):
        node = order[k]
        if adapter.op(node) is None or k not in grads:
            continue
        upstream = grads[k]
        upstream_plain = adapter.to_plain(upstream)
        texts = adapter.local_texts(node, [names[index[id(p)]] for p in adapter.parents(node)], names[k])
        values = adapter.local_values(node)
        products = adapter.contributions(node, upstream)
        for i, (parent, product) in enumerate(zip(adapter.parents(node), products)):
            if product is None:
                continue
            j = index[id(parent)]
            grads[j] = product if j not in grads else adapter.add(grads[j], product)
            received[j] += 1
            product_plain = adapter.to_plain(product)
            total_plain = product_plain if received[j] == 1 else adapter.to_plain(grads[j])
            event = _edge_event(k, i, j, names, upstream_plain, values[i], texts[i],
                                product_plain, total_plain, received[j], uses[j])
            if event["edge"] in broadcast:
                shape = "×".join(map(str, broadcast[event["edge"]]["to"])) or "scalar"
                event["text"] += f"   (summed over the broadcast axes back to [{shape}])"
            events.append(event)
    return events


def _edge_event(k, i, j, names, upstream, local, local_text, product, total, use, uses) -> dict:
    top, child, parent = names[-1], names[k], names[j]
    up = plain.describe(upstream)
    shown = f"({local_text})" if " " in local_text else local_text
    steps = [f"{up} · {shown}"] if local_text else []
    if local is not None and plain.fmt(local) != local_text:
        steps.append(f"{up} · {plain.fmt(local)}")
    text = (f"∂{top}/∂{parent} {'+=' if use > 1 else '='} ∂{top}/∂{child} · ∂{child}/∂{parent}"
            f" = {' = '.join(steps or [up + ' · ?'])} = {plain.describe(product)}")
    if uses > 1:
        text += f"   (use {use} of {uses}: ∂{top}/∂{parent} so far = {plain.describe(total)})"
    return {"phase": "backward", "node": f"v{j}", "from": f"v{k}", "op_node": f"o{k}", "edge": f"e{k}_{i}",
            "out_edge": f"e{k}_out", "upstream": upstream, "local": local, "local_text": local_text,
            "product": product, "grad": total, "grad_text": plain.describe(total), "use": use, "uses": uses,
            "text": text}
