"""Common-subexpression elimination: a node that applies the same op, with the same attrs, to the same
inputs as an earlier node computes the same value (ops are pure), so its uses take the earlier one.
Equal small constants are merged first, so `x * 0.5` twice is found too.

Before:                                 After:
    %h1 = mul %x %w : (3,) float32          %h1 = mul %x %w : (3,) float32
    %h2 = mul %x %w : (3,) float32          %h3 = add %h1 %h1 : (3,) float32
    %h3 = add %h1 %h2 : (3,) float32        return %h3
    return %h3
"""
import json

from ... import backend
from .rewrite import substitute

SMALL_CONSTANT = 4096     # bytes: larger constants are not compared byte by byte


def cse(g):
    alias, seen = {}, {}
    for name, array in g.constants.items():
        host = backend.to_host(array)
        if host.nbytes <= SMALL_CONSTANT:
            key = (host.dtype.str, host.shape, host.tobytes())
            alias.update({name: seen[key]} if key in seen else {})
            seen.setdefault(key, name)
    nodes, exprs = [], {}
    for node in g.nodes:
        inputs = tuple(_follow(alias, i) for i in node.inputs)
        key = (node.op, json.dumps(node.attrs, sort_keys=True), inputs)
        if key in exprs:
            alias[node.name] = exprs[key]
        else:
            exprs[key] = node.name
            nodes.append(node)
    constants = {k: v for k, v in g.constants.items() if k not in alias}
    specs = {k: v for k, v in g.specs.items() if k not in alias}
    return substitute(g, nodes, alias, constants=constants, specs=specs)


def _follow(alias, name):
    while name in alias:
        name = alias[name]
    return name
