"""snapshot(root): a computational graph as plain data, the one thing drawings and widgets read.

Layout of the result (JSON-safe):
- nodes: variables (kind "var": a value in the graph) and operations (kind "op", their own small node
  between inputs and output, as in the classic backprop picture). Ids are stable: "v<k>" for the k-th
  variable in topological order, "o<k>" for the op that produced it. Ids are for machines: every text
  a person reads uses `name` (see names.py).
- edges: "e<k>_<i>" from input i to op o<k> (with the local derivative ∂v<k>/∂input), "e<k>_out" from
  o<k> to v<k>.
- events: forward steps (inputs first, then each op in topological order), then backward steps from the
  output back to the inputs, one per edge, each with the upstream gradient, the local derivative, their
  product and the running sum at the input (where a value feeds several nodes the sum grows).

A node's `grad` is what backward() gave it: before backward, "not computed yet"; after, the gradient of
every node (the engine keeps only the leaves', so the others come from the same vjp the backward
events use); "no gradient (requires_grad=False)" where none flows.
"""
import numpy as np

from ..graph_walk import topological_order
from . import names as N
from . import plain
from .adapters import adapter_for

NOT_COMPUTED = "not computed yet"
NO_GRAD = "no gradient (requires_grad=False)"


def snapshot(root, *, model=None) -> dict:
    """Describe the graph that computed `root` (a `Value` or `Tensor`) without changing it.

    `model` (an `nn.Module`, or a dict of name → Tensor) names parameters by their module path."""
    adapter = adapter_for(root, "snapshot")
    params = N.model_names(model)
    order = topological_order(root, adapter.parents)
    index = {id(node): k for k, node in enumerate(order)}
    parent_ids = [[index[id(p)] for p in adapter.parents(node)] for node in order]
    scopes = _scopes(adapter, order, parent_ids)
    labels = [plain.printable(params.get(id(node)) or adapter.name(node)) for node in order]
    ops = [adapter.op(node) for node in order]
    names = N.assign(labels, ops, scopes, adapter.root_name(root), adapter.generated_names)
    nodes, edges = [], []
    for k, node in enumerate(order):
        nodes.append(_var_node(adapter, node, k, labels[k], names[k], scopes[k]))
        if ops[k] is not None:
            nodes.append(_op_node(adapter, node, k, parent_ids[k], names, scopes[k]))
            edges.extend(_edges(adapter, node, k, parent_ids[k], names))
    broadcast = {e["id"]: e["broadcast"] for e in edges if e.get("broadcast")}
    values = [n["value"] for n in nodes if n["kind"] == "var"]       # one summary per node, reused
    backward, final = _backward_events(adapter, order, parent_ids, names, broadcast)
    events = _forward_events(order, ops, parent_ids, names, values) + backward
    for step, event in enumerate(events):
        event["step"] = step
    _set_grads(adapter, order, nodes, final)
    return {"format": "tinygrad_edu.snapshot/2", "graph": adapter.kind, "root": f"v{len(order) - 1}",
            "nodes": nodes, "edges": edges, "events": events, "modules": N.module_kinds(model)}


def _scopes(adapter, order: list, parent_ids: list) -> list:
    """Each node's scope; a trainable leaf made outside any scope (a module's parameter, created in
    __init__) is drawn in the innermost scope holding every op that uses it, i.e. inside its module."""
    scopes = [plain.printable(adapter.scope(node)) for node in order]
    users: dict = {}
    for k, parents in enumerate(parent_ids):
        for j in parents:
            users.setdefault(j, []).append(scopes[k])
    for j, node in enumerate(order):
        if scopes[j] or adapter.op(node) is not None or not adapter.trainable(node) or j not in users:
            continue
        common = users[j][0].split("/") if users[j][0] else []
        for scope in users[j][1:]:
            parts = scope.split("/") if scope else []
            n = 0
            while n < min(len(common), len(parts)) and common[n] == parts[n]:
                n += 1
            common = common[:n]
        scopes[j] = "/".join(common)
    return scopes


def _var_node(adapter, node, k: int, label: str, name: str, scope: str) -> dict:
    value = adapter.value(node)
    return {"id": f"v{k}", "kind": "var", "label": label or "", "name": name,
            "leaf": adapter.op(node) is None, "trainable": adapter.trainable(node),
            "shape": adapter.shape(node), "dtype": adapter.dtype(node),
            "value": value, "value_text": plain.describe(value), "grad": None, "grad_text": NOT_COMPUTED,
            "scope": scope}


def _op_node(adapter, node, k: int, parent_ids: list, names: list, scope: str) -> dict:
    op = adapter.op(node)
    return {"id": f"o{k}", "kind": "op", "op": op, "label": op, "name": f"{op} → {names[k]}",
            "attrs": adapter.attrs(node), "inputs": [f"v{j}" for j in parent_ids], "output": f"v{k}",
            "input_names": [names[j] for j in parent_ids], "output_name": names[k], "scope": scope}


def _edges(adapter, node, k: int, parent_ids: list, names: list) -> list:
    texts = adapter.local_texts(node, [names[j] for j in parent_ids], names[k])
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


def _forward_events(order: list, ops: list, parent_ids: list, names: list, values: list) -> list:
    """Inputs first (they are given), then each computed value in topological order."""
    leaves = [k for k in range(len(order)) if ops[k] is None]
    computed = [k for k in range(len(order)) if ops[k] is not None]
    events = []
    for k in leaves + computed:
        value = values[k]
        event = {"phase": "forward", "node": f"v{k}", "value": value, "value_text": plain.describe(value),
                 "op_node": None, "edges": []}
        if ops[k] is None:
            event["text"] = f"{names[k]} = {plain.describe(value)}"
        else:
            args = [names[j] for j in parent_ids[k]]
            event.update(op_node=f"o{k}", edges=[f"e{k}_{i}" for i in range(len(args))] + [f"e{k}_out"],
                         text=f"{names[k]} = {N.expression(ops[k], args)} = {plain.describe(value)}")
        events.append(event)
    return events


def _backward_events(adapter, order: list, parent_ids: list, names: list, broadcast: dict):
    """From the output (∂root/∂root = 1) back to the inputs, one event per edge a gradient flows on;
    also returns each node's final gradient (as plain data) by position.

    Reverse topological order guarantees every user of a value has passed its gradient back before
    that value passes its own on, exactly as backward() does.
    """
    root_k = len(order) - 1
    top = names[root_k]
    grads = {root_k: adapter.seed(order[root_k])}
    uses = [0] * len(order)
    for k, node in enumerate(order):
        for parent, j in zip(adapter.parents(node), parent_ids[k]):
            uses[j] += adapter.carries_grad(node, parent)
    received = [0] * len(order)
    seed = adapter.to_plain(grads[root_k])
    shown = {root_k: seed}                  # each node's gradient so far, as plain data
    events = [{"phase": "backward", "node": f"v{root_k}", "grad": seed, "grad_text": plain.describe(seed),
               "uses": 0, "use": 0, "text": f"{N.d(top)}/{N.d(top)} = 1"}]
    for k in range(root_k, -1, -1):
        node = order[k]
        if adapter.op(node) is None or k not in grads:
            continue
        upstream = grads.pop(k)             # complete: every user has passed its part back
        upstream_plain = shown[k]
        local = _local_parts(adapter, node, [names[j] for j in parent_ids[k]], names[k])
        products = adapter.contributions(node, upstream)
        for i, (j, product) in enumerate(zip(parent_ids[k], products)):
            if product is None:
                continue
            grads[j] = product if j not in grads else adapter.add(grads[j], product)
            received[j] += 1
            product_plain = adapter.to_plain(product)
            total_plain = product_plain if received[j] == 1 else adapter.to_plain(grads[j])
            shown[j] = total_plain
            event = _edge_event(k, i, j, names, upstream_plain, local, i,
                                product_plain, total_plain, received[j], uses[j])
            if event["edge"] in broadcast:
                shape = "×".join(map(str, broadcast[event["edge"]]["to"])) or "scalar"
                event["text"] += f"   (summed over the broadcast axes back to [{shape}])"
            events.append(event)
    return events, shown


def _local_parts(adapter, node, input_names: list, out_name: str) -> dict:
    """What the caption needs to name an op's own local derivative: the expression it differentiates
    (with the inputs' names for scalars, the op's own letters for tensors), and per input the symbol,
    the derivative's text and (for scalars) its value."""
    op = adapter.op(node)
    args = input_names if adapter.kind == "value" else N.symbols(len(input_names))
    return {"expression": N.expression(op, args), "wrt": args,
            "texts": adapter.local_texts(node, input_names, out_name), "values": adapter.local_values(node)}


def _edge_event(k, i, j, names, upstream, local: dict, index: int, product, total, use, uses) -> dict:
    top, child, parent = names[-1], names[k], names[j]
    up = N.describe_factor(upstream)
    local_text, local_value = local["texts"][index], local["values"][index]
    steps = [f"{up} · {N.factor(local_text)}"] if local_text else [f"{up} · ?"]
    if local_value is not None and plain.fmt(local_value) != local_text:
        steps.append(f"{up} · {N.factor(plain.fmt(local_value))}")
    local_name = N.derivative(local["expression"], local["wrt"][index])
    text = (f"{N.d(top)}/{N.d(parent)} {'+=' if use > 1 else '='} {N.d(top)}/{N.d(child)} · {local_name}"
            f" = {' = '.join(steps)} = {plain.describe(product)}")
    if uses > 1:
        text += f"   (use {use} of {uses}: {N.d(top)}/{N.d(parent)} so far = {plain.describe(total)})"
    return {"phase": "backward", "node": f"v{j}", "from": f"v{k}", "op_node": f"o{k}",
            "edge": f"e{k}_{index}",
            "out_edge": f"e{k}_out", "upstream": upstream, "local": local_value, "local_text": local_text,
            "product": product, "grad": total, "grad_text": plain.describe(total), "use": use, "uses": uses,
            "text": text}


def _set_grads(adapter, order: list, nodes: list, final: dict) -> None:
    """Each variable's gradient as backward() left it: the stored one where the engine keeps it, the
    vjp's (`final`, plain data) for the rest once backward has run, NO_GRAD where no gradient flows."""
    ran = adapter.backward_ran(order)
    flows = final.get(len(order) - 1) is not None       # no seed (no values yet): nothing is known
    variables = [n for n in nodes if n["kind"] == "var"]
    for k, (node, shown) in enumerate(zip(order, variables)):
        stored = adapter.grad(node)
        if stored is not None:
            shown["grad"] = stored
        elif k not in final and flows:
            shown["grad_text"] = NO_GRAD
            continue
        elif ran:
            shown["grad"] = final.get(k)
        shown["grad_text"] = plain.describe(shown["grad"]) if shown["grad"] is not None else NOT_COMPUTED
