"""Constant folding: a node whose inputs are all constants gives the same value on every run, so it is
computed once, now, and becomes a constant.

Before:                                 After:
    %h1 = mul 2.0 3.0 : () float32          %h2 = mul %x 6.0 : (3,) float32
    %h2 = mul %x %h1 : (3,) float32         return %h2
    return %h2

In a traced training step this folds the seed of backward (ones, negated, divided by the batch size,
broadcast...) into one array. A result much bigger than its inputs (broadcasting a scalar to a big
shape) is left as a node: storing it would cost more memory than computing it.
"""
import numpy as np

from ... import backend
from ..ir import nbytes
from ..registry import build

MAX_GROWTH = 64 * 1024      # bytes a folded constant may exceed its inputs by


def constant_folding(g):
    constants, specs, nodes = dict(g.constants), dict(g.specs), []
    for node in g.nodes:
        arrays = [constants.get(i) for i in node.inputs]
        size = nbytes(node.shape, node.dtype)
        foldable = arrays and all(a is not None for a in arrays)
        if foldable and size <= sum(a.nbytes for a in arrays) + MAX_GROWTH:
            xp = backend.xp_of(arrays[0])
            with np.errstate(all="ignore"):
                out = build(node.op, node.attrs).forward(xp, *arrays)
            constants[node.name] = xp.ascontiguousarray(xp.asarray(out)).copy()
            specs[node.name] = (node.shape, node.dtype)
        else:
            nodes.append(node)
    return g.replace(nodes=nodes, constants=constants, specs=specs)
