"""Elementwise fusion: each chain of elementwise ops becomes one `fused` node.

Before:                                         After:
    %h1 = matmul %x %w : (32, 8) float32            %h1 = matmul %x %w : (32, 8) float32
    %h2 = add %h1 %b : (32, 8) float32              %h3 = fused[add, relu] %h1 %b : (32, 8) float32
    %h3 = relu %h2 : (32, 8) float32                return %h3
    return %h3

Why: unfused, every op reads its inputs from memory and writes a new array; fused, the chain runs as
NumPy ufuncs writing into one buffer (or one CuPy kernel that keeps intermediates in registers), and
the executor runs one node instead of many. A node joins its input's chain when that input is used
by nothing else and has the same shape (inputs from outside the chain may broadcast). A lone
elementwise node becomes a one-step fused node too, so it can also write into a planned buffer.
"""
from ..fused import FUSIBLE
from ..ir import Node
from .rewrite import substitute


def fusion(g):
    uses = {}
    for node in g.nodes:
        for name in node.inputs:
            uses[name] = uses.get(name, 0) + 1
    for name in list(g.outputs) + list(g.updates.values()):
        uses[name] = uses.get(name, 0) + 2
    group_of, groups = {}, {}           # node name -> group id; group id -> member nodes in order
    for node in g.nodes:
        if node.op not in FUSIBLE:
            continue
        joined = {group_of[i] for i in node.inputs
                  if i in group_of and uses[i] == node.inputs.count(i) and groups[group_of[i]][-1].name == i
                  and groups[group_of[i]][-1].shape == node.shape}
        members = [m for gid in sorted(joined) for m in groups.pop(gid)] + [node]
        gid = node.name
        groups[gid] = members
        for m in members:
            group_of[m.name] = gid
    fused = {gid: _fused_node(members) for gid, members in groups.items()}
    nodes = [fused.get(n.name, n) for n in g.nodes if n.name not in group_of or n.name in fused]
    return substitute(g, nodes, {})


def _fused_node(members) -> Node:
    """One node computing `members` (in order; the last is the chain's result)."""
    inside = {m.name: k for k, m in enumerate(members)}
    outside = list(dict.fromkeys(i for m in members for i in m.inputs if i not in inside))
    slot = {name: k for k, name in enumerate(outside)}
    program = [[m.op, m.attrs, [slot[i] if i in slot else len(outside) + inside[i] for i in m.inputs]]
               for m in members]
    head = members[-1]
    attrs = {"inputs": len(outside), "program": program, "dtypes": [m.dtype for m in members],
             "shape": list(head.shape)}
    return Node(head.name, "FusedElementwise", tuple(outside), head.shape, head.dtype, attrs)
