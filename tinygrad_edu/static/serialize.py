"""Graph files: the structure as JSON and every array (state, constants) as safetensors, in one file
written by `archive.write`. No pickle: loading reads data and never runs code from the file.

Everything is checked before a graph is built, and any problem is one `FileFormatError` naming the
file and what is wrong: names, specs (dtype, shape, size limits), every array against its spec,
every node's op (known), attrs (accepted by the op), inputs (defined earlier: a cycle or a
reordered node is refused), outputs, state updates and the memory plan. Last, each node's declared
shape and dtype are checked against what its op computes for inputs of the declared shapes (a dry
run on zero-sized-in-memory stand-ins, one node at a time).
"""
import re

import numpy as np

from .. import archive, backend
from ..archive import FileFormatError
from .ir import Node, nbytes
from .registry import OPS, build

KIND, VERSION = "tinygrad_edu.graph", 1
NAME = re.compile(r"^[A-Za-z0-9_][\w.'\-]{0,199}$")
DTYPES = {"float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"}
MAX_NODES = 1_000_000
MAX_DIMS = 32
MAX_VALUE_BYTES = 2**34          # 16 GiB for one value
MAX_TOTAL_BYTES = 2**36          # 64 GiB for all values together
MAX_ATTR_INT = 2**31


def save(g, path) -> None:
    arrays = {f"state/{k}": backend.to_host(v) for k, v in g.state.items()}
    arrays.update({f"const/{k}": backend.to_host(v) for k, v in g.constants.items()})
    structure = {
        "inputs": list(g.inputs), "state": list(g.state), "constants": list(g.constants),
        "specs": {k: [list(s), d] for k, (s, d) in g.specs.items()},
        "nodes": [[n.name, n.op, list(n.inputs), list(n.shape), n.dtype, n.attrs] for n in g.nodes],
        "outputs": list(g.outputs), "updates": dict(g.updates), "single_output": g.single_output,
        "buffers": None if g.buffers is None else dict(g.buffers),
    }
    archive.write(path, arrays, structure, KIND, VERSION)


def load(path) -> dict:
    """The keyword arguments of `Graph(...)` for the file at `path`, after checking all of it."""
    arrays, structure = archive.read(path, KIND, (VERSION,))
    check = _Checker(path)
    return check.graph(structure, arrays)


class _Checker:
    def __init__(self, path):
        self.path, self.defined, self.total = path, {}, 0

    def fail(self, problem: str):
        raise FileFormatError(self.path, problem)

    def graph(self, s, arrays) -> dict:
        keys = {"inputs", "state", "constants", "specs", "nodes", "outputs", "updates", "single_output",
                "buffers"}
        if not isinstance(s, dict) or set(s) != keys:
            found = sorted(s) if isinstance(s, dict) else type(s).__name__
            self.fail(f"graph structure should have the keys {sorted(keys)}, found {found}")
        specs = self.mapping(s["specs"], "specs")
        leaves = {}
        for kind in ("inputs", "state", "constants"):
            for name in self.names(s[kind], kind):
                if name not in specs:
                    self.fail(f"{kind} value {name!r} has no entry in specs")
                leaves[name] = self.define(name, specs[name], f"{kind} value {name!r}")
        if set(specs) != set(leaves):
            self.fail(f"specs for values that are not leaves: {sorted(set(specs) - set(leaves))}")
        state = {k: self.array(arrays, f"state/{k}", leaves[k]) for k in s["state"]}
        constants = {k: self.array(arrays, f"const/{k}", leaves[k]) for k in s["constants"]}
        extra = set(arrays) - {f"state/{k}" for k in state} - {f"const/{k}" for k in constants}
        if extra:
            self.fail(f"arrays that no value declares: {sorted(extra)[:5]}")
        nodes = self.nodes(s["nodes"])
        outputs = self.names(s["outputs"], "outputs", unique=False)
        for name in outputs:
            self.known(name, "an output")
        updates = self.mapping(s["updates"], "updates")
        for target, value in updates.items():
            if target not in state:
                self.fail(f"update of {target!r}, which is not a state value")
            self.known(value, f"the update of {target!r}")
            if self.defined[value] != leaves[target]:
                self.fail(f"update of {target!r} {leaves[target]} gets %{value} {self.defined[value]}")
        if not isinstance(s["single_output"], bool) or (s["single_output"] and len(outputs) != 1):
            self.fail(f"single_output must be true (with one output) or false, got {s['single_output']!r}")
        buffers = self.buffers(s["buffers"], nodes, state)
        self.dry_run(nodes, leaves)
        specs_out = {k: (tuple(v[0]), v[1]) for k, v in leaves.items()}
        return dict(inputs=s["inputs"], nodes=nodes, outputs=outputs, specs=specs_out, state=state,
                    constants=constants, updates=updates, single_output=s["single_output"], buffers=buffers)

    # ----- pieces -----
    def mapping(self, value, what) -> dict:
        if not isinstance(value, dict):
            self.fail(f"{what} should be a JSON object, got {type(value).__name__}")
        return value

    def names(self, value, what, unique=True) -> list:
        if not isinstance(value, list) or not all(isinstance(n, str) and NAME.match(n) for n in value):
            self.fail(f"{what} should be a list of value names (letters, digits, _ . ' -), got {value!r:.80}")
        if unique and len(set(value)) != len(value):
            self.fail(f"{what} names a value twice")
        return value

    def spec(self, spec, what) -> tuple:
        if not (isinstance(spec, list) and len(spec) == 2 and isinstance(spec[0], list)
                and all(type(d) is int and d >= 0 for d in spec[0]) and spec[1] in DTYPES):
            self.fail(f"{what} has an invalid spec {spec!r:.80} (expected [shape, dtype])")
        shape, dtype = tuple(spec[0]), spec[1]
        if len(shape) > MAX_DIMS:
            self.fail(f"{what} has {len(shape)} dimensions (at most {MAX_DIMS})")
        size = nbytes(shape, dtype)
        self.total += size
        if size > MAX_VALUE_BYTES or self.total > MAX_TOTAL_BYTES:
            self.fail(f"{what} declares shape {shape} {dtype} ({size} bytes): more than this version "
                      f"accepts ({MAX_VALUE_BYTES} bytes per value, {MAX_TOTAL_BYTES} in all)")
        return shape, dtype

    def define(self, name, spec, what) -> tuple:
        if name in self.defined:
            self.fail(f"value {name!r} is defined twice")
        self.defined[name] = self.spec(spec, what)
        return self.defined[name]

    def known(self, name, what) -> None:
        if not isinstance(name, str) or name not in self.defined:
            self.fail(f"{what} refers to {name!r}, which no input, state, constant or node defines")

    def array(self, arrays, key, spec):
        array = arrays.get(key)
        if array is None:
            self.fail(f"array {key!r} is missing")
        if (tuple(array.shape), str(array.dtype)) != spec:
            self.fail(f"array {key!r} is {tuple(array.shape)} {array.dtype}, declared {spec[0]} {spec[1]}")
        return array

    def nodes(self, value) -> list:
        if not isinstance(value, list) or len(value) > MAX_NODES:
            self.fail(f"nodes should be a list of at most {MAX_NODES} entries")
        names = {e[0] for e in value if isinstance(e, list) and e and isinstance(e[0], str)}
        nodes = []
        for k, entry in enumerate(value):
            if not (isinstance(entry, list) and len(entry) == 6 and isinstance(entry[0], str)
                    and isinstance(entry[1], str) and isinstance(entry[2], list)
                    and isinstance(entry[5], dict)):
                self.fail(f"node {k} should be [name, op, inputs, shape, dtype, attrs], got {entry!r:.80}")
            name, op, inputs, shape, dtype, attrs = entry
            self.names([name], f"node {k}")
            if op not in OPS:
                self.fail(f"node %{name} uses unknown op {op!r}")
            for i in inputs:
                if i not in self.defined:
                    why = "before it is defined (a cycle, or nodes out of order)" if i in names else \
                        "which nothing defines"
                    self.fail(f"node %{name} reads %{i} {why}")
            self.attrs(name, op, attrs)
            self.define(name, [shape, dtype], f"node %{name}")
            nodes.append(Node(name, op, tuple(inputs), tuple(shape), dtype, attrs))
        return nodes

    def attrs(self, name, op, attrs) -> None:
        stack = [(attrs, "")]
        while stack:
            item, where = stack.pop()
            if isinstance(item, dict):
                stack.extend((v, k) for k, v in item.items())
            elif isinstance(item, list):
                stack.extend((v, where) for v in item)
            elif isinstance(item, int) and not isinstance(item, bool) and where != "index" \
                    and abs(item) > MAX_ATTR_INT:
                self.fail(f"node %{name}: attr {where!r} holds {item}, larger than {MAX_ATTR_INT}")
        try:
            build(op, attrs)
        except (TypeError, ValueError, KeyError, IndexError) as err:
            self.fail(f"node %{name}: op {op} rejects attrs {attrs!r:.100}: {err}")

    def buffers(self, value, nodes, state):
        if value is None:
            return None
        plan = self.mapping(value, "buffers")
        names = {n.name for n in nodes}
        for name, key in plan.items():
            if name not in names or not ((type(key) is int and 0 <= key < MAX_NODES) or key in state):
                self.fail(f"buffers: entry {name!r}: {key!r} is not a node and a buffer number or state")
        return plan

    def dry_run(self, nodes, leaves) -> None:
        """Each node's op on stand-ins of its declared input specs must give its declared spec."""
        specs = dict(leaves)
        for node in nodes:
            stand_ins = [np.broadcast_to(np.zeros((), specs[i][1]), specs[i][0]) for i in node.inputs]
            try:
                with np.errstate(all="ignore"):
                    out = build(node.op, node.attrs).forward(np, *stand_ins)
            except Exception as err:          # the file is wrong whatever the op raised
                shapes = ", ".join(f"{specs[i][0]} {specs[i][1]}" for i in node.inputs)
                self.fail(f"node %{node.name}: {node.op} cannot run on inputs {shapes}: {err}")
            got = (tuple(np.shape(out)), str(np.asarray(out).dtype))
            if got != (node.shape, node.dtype):
                self.fail(f"node %{node.name} declares {node.shape} {node.dtype}, but {node.op} of its "
                          f"inputs gives {got[0]} {got[1]}")
            specs[node.name] = got
