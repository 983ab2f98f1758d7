"""Dead-code elimination: drop every node that no output and no state update depends on.

Before:                                 After:
    %h1 = exp %x : (3,) float32             %h2 = relu %x : (3,) float32
    %h2 = relu %x : (3,) float32            return %h2
    return %h2

Tracing records everything the function computed, including values it then ignored (an accuracy
printed along the way, the loss's own forward value inside a training step's backward): this pass
keeps only what is needed. Constants nobody reads go too; inputs and state stay (they are the
graph's signature).
"""
from .rewrite import substitute


def dce(g):
    live = set(g.outputs) | set(g.updates.values())
    kept = []
    for node in reversed(g.nodes):
        if node.name in live:
            kept.append(node)
            live.update(node.inputs)
    constants = {k: v for k, v in g.constants.items() if k in live}
    specs = {k: v for k, v in g.specs.items() if k not in g.constants or k in live}
    return substitute(g, kept[::-1], {}, constants=constants, specs=specs)
