"""Graph drawing: engine graphs → plain-data snapshots → DOT → SVG (shared by every widget)."""
from .drawing import Drawing, draw
from .dot import to_dot
from .render import svg_from_dot
from .snapshot import NO_GRAD, NOT_COMPUTED, snapshot

__all__ = ["Drawing", "NO_GRAD", "NOT_COMPUTED", "draw", "snapshot", "svg_from_dot", "to_dot"]
