"""Name scopes: a label path recorded on every node built inside `with name_scope(...)`.

Why: a 2,000-node graph is unreadable flat. Modules (and users) open scopes so the
graph drawing and the animator can group a layer's nodes into one collapsible box.
"""
from contextlib import contextmanager
from typing import Iterator

current: tuple[str, ...] = ()


@contextmanager
def name_scope(name: str) -> Iterator[str]:
    """Group every node created inside this block under `name` (scopes nest: "mlp/layer1")."""
    global current
    if not isinstance(name, str) or not name:
        raise TypeError(f"name_scope: expected a non-empty string, got {name!r}")
    if "/" in name:
        raise ValueError(f"name_scope: {name!r} may not contain '/', which separates nested scopes")
    saved = current
    current = saved + (name,)
    try:
        yield "/".join(current)
    finally:
        current = saved


def current_scope() -> tuple[str, ...]:
    """The scope path nodes are being created in now (empty tuple at top level)."""
    return current
