"""Run a `Graph`: a precomputed order and buffer plan, then either one generated Python function
(serial) or a thread pool that starts each node as soon as its inputs are ready (parallel).

Serial: the graph is compiled once per device into straight-line Python, one line per node
(`Plan.source` shows it), so running a node costs a function call and nothing else. With a memory plan
(`passes.memory_plan`) each value is dropped after its last use and nodes that can write into a buffer
(fused elementwise chains, matmul) write into a planned one, reused across nodes and across runs.

Parallel: nodes whose inputs are ready run at the same time on a thread pool; NumPy and CuPy release
the GIL inside heavy kernels, so two independent matrix products really use two cores. A node that
writes into a reused buffer also waits for the last reader of the buffer's previous value.
"""
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

from .. import backend
from .ir import nbytes
from .registry import build

VIEW_OPS = frozenset({"Reshape", "Permute", "Expand", "GetItem", "Flip"})   # may return a view of input 0


def _matmul_into(xp, out, a, b):
    return xp.matmul(a, b, out=out)


def forward_of(op):
    """op.forward, except that what an op keeps for a dynamic backward (Conv2d's im2col columns) is
    dropped right away: a graph's backward is nodes of its own, so it would only hold memory."""
    if not hasattr(type(op), "_saved"):               # a slot of the op's class or of one it extends
        return op.forward

    def forward(xp, *arrays):
        out = op.forward(xp, *arrays)
        op._saved = None
        return out
    return forward


def writer(op_name: str, op):
    """How a node writes into a given buffer (`f(xp, out, *inputs)`), or None if it can't."""
    if op_name == "MatMul":
        return _matmul_into
    return getattr(op, "run", None) if op_name == "FusedElementwise" else None


class Plan:
    """Everything a run needs, computed once per graph and device: slots, ops, buffers, code."""

    def __init__(self, g, device: str):
        self.graph, self.device = g, device
        self.xp = backend.xp_for(device)
        leaves = list(g.inputs) + list(g.state) + list(g.constants)
        self.slot = {name: k for k, name in enumerate(leaves + [n.name for n in g.nodes])}
        self.ops = [build(n.op, n.attrs) for n in g.nodes]
        self.constants = [backend.to_device(a, device) for a in g.constants.values()]
        self.node_buffer = [None] * len(g.nodes)   # buffer id or state name per node
        plan = g.buffers or {}
        for k, node in enumerate(g.nodes):
            if node.name in plan and writer(node.op, self.ops[k]) is not None:
                self.node_buffer[k] = plan[node.name]
        self.buffers = self._make_buffers()        # buffer id -> raw bytes, kept from run to run
        self.last_use = _last_uses(g) if g.buffers is not None else {}
        self.source, self.function = self._compile()

    # ----- buffers -----
    def _make_buffers(self) -> dict:
        sizes: dict = {}
        for k, key in enumerate(self.node_buffer):
            if isinstance(key, int):
                node = self.graph.nodes[k]
                sizes[key] = max(sizes.get(key, 0), nbytes(node.shape, node.dtype))
        return {key: self.xp.empty(size, dtype="uint8") for key, size in sizes.items()}

    def view(self, k: int):
        """Node k's planned buffer as an array of its shape and dtype."""
        node = self.graph.nodes[k]
        raw = self.buffers[self.node_buffer[k]]
        return raw[:nbytes(node.shape, node.dtype)].view(node.dtype).reshape(node.shape)

    # ----- serial code -----
    def _compile(self):
        g = self.graph
        names = {name: f"v{k}" for name, k in self.slot.items()}
        leaves = [names[n] for n in list(g.inputs) + list(g.state) + list(g.constants)]
        lines = [f"def run(xp, state, {', '.join(leaves)}):"]
        scope = {}
        for k, node in enumerate(g.nodes):
            args = ", ".join(names[i] for i in node.inputs)
            key = self.node_buffer[k]
            scope[f"op{k}"] = forward_of(self.ops[k])
            if key is None:
                lines.append(f"    {names[node.name]} = op{k}(xp, {args})")
            else:
                scope[f"into{k}"] = writer(node.op, self.ops[k])
                target = f"state[{key!r}]" if isinstance(key, str) else f"buf{k}"
                if not isinstance(key, str):
                    scope[f"buf{k}"] = self.view(k)
                lines.append(f"    {names[node.name]} = into{k}(xp, {target}, {args})")
            dead = [names[v] for v in dict.fromkeys(node.inputs) if self.last_use.get(v) == k]
            if dead:
                lines.append(f"    del {', '.join(dead)}")
        outs = "".join(f"{names[o]}, " for o in g.outputs)
        ups = "".join(f"{names[v]}, " for v in g.updates.values())
        lines.append(f"    return ({outs}), ({ups})")
        source = "\n".join(lines) + "\n"
        exec(compile(source, f"<graph plan {id(self):x}>", "exec"), scope)  # our own text: slot names only
        return source, scope["run"]

    def run(self, inputs: list, state):
        xp = self.xp
        leaves = inputs + [state[n] for n in self.graph.state] + self.constants
        outputs, new = self.function(xp, state, *leaves)
        _write_back(xp, self.graph, state, new)
        return list(outputs)

    # ----- parallel -----
    def run_parallel(self, inputs: list, state, workers: int):
        """Run on a thread pool; returns (outputs, timeline) with (node, thread, start, end) per node."""
        g, xp = self.graph, self.xp
        values = dict(zip(list(g.inputs) + list(g.state) + list(g.constants),
                          inputs + [state[n] for n in g.state] + self.constants))
        deps, users = _dependencies(self)
        waiting = {k: len(d) for k, d in enumerate(deps)}
        views = {k: self.view(k) for k, key in enumerate(self.node_buffer) if isinstance(key, int)}
        timeline = []

        def execute(k):
            node, start = g.nodes[k], time.perf_counter()
            args = [values[i] for i in node.inputs]
            key = self.node_buffer[k]
            if key is None:
                out = forward_of(self.ops[k])(xp, *args)
            else:
                target = state[key] if isinstance(key, str) else views[k]
                out = writer(node.op, self.ops[k])(xp, target, *args)
            values[node.name] = out
            timeline.append((node.name, threading.get_ident(), start, time.perf_counter()))
            return k

        with ThreadPoolExecutor(max_workers=workers) as pool:
            running = {pool.submit(execute, k) for k, n in waiting.items() if n == 0}
            while running:
                done, running = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    k = future.result()
                    for j in users[k]:
                        waiting[j] -= 1
                        if waiting[j] == 0:
                            running.add(pool.submit(execute, j))
        _write_back(xp, g, state, [values[v] for v in g.updates.values()])
        return [values[o] for o in g.outputs], timeline


def _write_back(xp, g, state, new) -> None:
    """State updates: the new values are copied into the state arrays (unless computed there already)."""
    for (target, _), value in zip(g.updates.items(), new):
        array = state[target]
        if value is not array:
            xp.copyto(array, value)


def _last_uses(g) -> dict:
    """value -> index of the last node reading it; outputs and update values are never dropped."""
    last = {}
    for k, node in enumerate(g.nodes):
        for name in node.inputs:
            last[name] = k
    for name in list(g.outputs) + list(g.updates.values()):
        last.pop(name, None)
    return last


def _dependencies(plan) -> tuple:
    """deps[k]: nodes k waits for (its inputs' producers, and for a node writing into a reused buffer
    or a state array, every node that reads what was there before); users[k]: the reverse."""
    g = plan.graph
    producer = {n.name: k for k, n in enumerate(g.nodes)}
    readers: dict = {}
    for k, node in enumerate(g.nodes):
        for name in node.inputs:
            readers.setdefault(name, set()).add(k)
    deps = [{producer[i] for i in node.inputs if i in producer} for node in g.nodes]
    holder: dict = {}
    for k, node in enumerate(g.nodes):
        key = plan.node_buffer[k]
        if key is None:
            continue
        previous = [key] if isinstance(key, str) else holder.get(key, [])
        for value in previous:
            deps[k] |= {j for j in _readers_through_views(g, value, readers, producer) if j != k}
        if not isinstance(key, str):
            holder[key] = [node.name]
    users: list = [set() for _ in g.nodes]
    for k, d in enumerate(deps):
        for j in d:
            users[j].add(k)
    return deps, users


def _readers_through_views(g, value, readers, producer) -> set:
    """Every node reading `value` directly or through a chain of views of it."""
    found, stack = set(), [value]
    while stack:
        name = stack.pop()
        for k in readers.get(name, ()):
            found.add(k)
            if g.nodes[k].op in VIEW_OPS and g.nodes[k].inputs[0] == name:
                stack.append(g.nodes[k].name)
    return found


def concurrency(timeline: list) -> list:
    """Pairs of nodes whose run times overlapped (they ran at the same time on different threads)."""
    spans = sorted(timeline, key=lambda t: t[2])
    pairs = []
    for i, (a, ta, _, ea) in enumerate(spans):
        for b, tb, sb, _ in spans[i + 1:]:
            if sb >= ea:
                break
            if ta != tb:
                pairs.append((a, b))
    return pairs
