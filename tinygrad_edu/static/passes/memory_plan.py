"""Memory planning: decide, before running, which buffer each value lives in.

A value is dead after its last use; its buffer can then hold a later value of the same size. Nodes
that can write into a given buffer (fused elementwise chains, matmul) get one from a pool, so a run
allocates almost nothing, and the same buffers serve every run. A state update computed by a fused
chain (`w - lr * g`) is written straight into the state's own array, as hand-written NumPy's
`w -= lr * g` does, when nothing reads the old value afterwards. Outputs always get fresh arrays.

Before (no plan): every intermediate stays allocated until the run ends.
After:  g.buffers == {"h2": 0, "h5": 1, "h7": 0, "w.new": "w", ...}; the executor also drops each
value after its last use. `peak_bytes(g)` is the planned peak, `peak_bytes(g, planned=False)` the
peak without a plan.
"""
from typing import Any

from ..executor import VIEW_OPS
from ..ir import nbytes
from ..registry import build

WRITERS = ("FusedElementwise", "MatMul")


def _roots(g) -> dict:
    """value -> the value whose memory it may share (views share their input's)."""
    root: dict = {}
    for node in g.nodes:
        root[node.name] = root.get(node.inputs[0], node.inputs[0]) if node.op in VIEW_OPS else node.name
    return root


def _last_use(g, root) -> dict:
    """root value -> index of the last node that reads it or any view of it."""
    last = {}
    for k, node in enumerate(g.nodes):
        for name in node.inputs:
            last[root.get(name, name)] = k
    return last


def memory_plan(g):
    root, end = _roots(g), len(g.nodes)
    last = _last_use(g, root)
    pinned = {root.get(v, v) for v in list(g.outputs) + list(g.updates.values())}
    plan, free, size_of = {}, {}, {}
    in_place = _in_place_updates(g, root, pinned)
    for k, node in enumerate(g.nodes):
        name = node.name
        if name in in_place:
            plan[name] = in_place[name]
        elif node.op in WRITERS and root[name] == name and name not in pinned:
            size = nbytes(node.shape, node.dtype)
            pool = free.get(size)
            plan[name] = pool.pop() if pool else len(size_of)
            size_of.setdefault(plan[name], size)
        for value in set(node.inputs) | {name}:
            r = root.get(value, value)
            dies = last.get(r, end if r == name else -1) == k
            if dies and isinstance(plan.get(r), int) and r not in pinned:
                free.setdefault(size_of[plan[r]], []).append(plan[r])
    return g.replace(buffers=plan)


def _in_place_updates(g, root, pinned) -> dict:
    """update value -> state name, for updates a fused node can write into the state array itself."""
    position = {n.name: k for k, n in enumerate(g.nodes)}
    exposed = {root.get(o, o) for o in g.outputs}
    result = {}
    for target, value in g.updates.items():
        k = position.get(value)
        if k is None or g.nodes[k].op != "FusedElementwise" or value in g.outputs or target in exposed:
            continue
        op: Any = build("FusedElementwise", g.nodes[k].attrs)
        readers = [j for j, n in enumerate(g.nodes) if any(root.get(i, i) == target for i in n.inputs)]
        if all(j < k or (j == k and op.writes_over_inputs) for j in readers) and \
                list(g.updates.values()).count(value) == 1:
            result[value] = target
    return result


def peak_bytes(g, planned: bool = True) -> int:
    """Bytes of intermediate values alive at the worst moment of a run (inputs and state not counted).
    Without a plan every value lives to the end; with one, buffers are counted once and other values
    are freed after their last use."""
    root = _roots(g)
    fresh = [n for n in g.nodes if n.op not in VIEW_OPS]
    if not planned or g.buffers is None:
        return sum(nbytes(n.shape, n.dtype) for n in fresh)
    pool: dict = {}
    for n in fresh:
        key = g.buffers.get(n.name)
        if isinstance(key, int):
            pool[key] = max(pool.get(key, 0), nbytes(n.shape, n.dtype))
    last = _last_use(g, root)
    pinned = {root.get(v, v) for v in list(g.outputs) + list(g.updates.values())}
    live, peak, alive = 0, 0, {}
    for k, node in enumerate(g.nodes):
        if node.op not in VIEW_OPS and node.name not in g.buffers:
            alive[node.name] = nbytes(node.shape, node.dtype)
            live += alive[node.name]
        peak = max(peak, live)
        for value in list(alive):
            if value not in pinned and last.get(value, k) <= k:
                live -= alive.pop(value)
    return sum(pool.values()) + peak
