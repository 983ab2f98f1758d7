"""Iterative graph walk shared by every graph kind: `Value`, `Tensor` and the drawings of both
(no recursion: graphs may be a million deep)."""


def topological_order(root, parents) -> list:
    """Every node `root` depends on, each after its parents, parents visited in argument order.

    `parents(node)` returns a node's inputs. The order is a depth-first post-order, so it is the
    same every time for the same graph: the ids the snapshot derives from it are stable.
    """
    order, expanded, stack = [], set(), [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
        elif id(node) not in expanded:          # a node may be pushed twice; expand it once
            expanded.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in reversed(parents(node)) if id(p) not in expanded)
    return order
