"""What the rewriting passes share: replacing values by others (x*1 -> x) throughout a graph."""
from ..ir import Node


def substitute(g, nodes, alias: dict, **changes):
    """`g` with `nodes`, every use of a value in `alias` pointing at its replacement instead."""
    def follow(name):
        while name in alias:
            name = alias[name]
        return name

    renamed = [n if not any(i in alias for i in n.inputs)
               else Node(n.name, n.op, tuple(follow(i) for i in n.inputs), n.shape, n.dtype, n.attrs)
               for n in nodes]
    return g.replace(nodes=renamed, outputs=[follow(o) for o in g.outputs],
                     updates={k: follow(v) for k, v in g.updates.items()}, **changes)
