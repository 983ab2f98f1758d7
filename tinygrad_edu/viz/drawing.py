"""draw(root): the graph as an SVG that Jupyter displays and that can be saved to a file."""
from pathlib import Path

from .dot import to_dot
from .render import svg_from_dot
from .snapshot import snapshot


class Drawing:
    """A rendered graph: `.svg` (the markup), `.source` (DOT), `.snapshot` (the plain data drawn)."""

    def __init__(self, snap: dict, source: str, svg: str):
        self.snapshot, self.source, self.svg = snap, source, svg

    def _repr_svg_(self) -> str:
        return self.svg

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"image/svg+xml": self.svg, "text/plain": repr(self)}

    def save(self, path) -> Path:
        """Write the SVG to `path` (which must end in .svg); returns the path written."""
        return save_text(path, ".svg", self.svg, "Drawing.save")

    def __repr__(self):
        kinds = [n["kind"] for n in self.snapshot["nodes"]]
        return f"<Drawing of a {self.snapshot['graph']} graph: {kinds.count('var')} variables, " \
               f"{kinds.count('op')} operations>"


def save_text(path, suffix: str, text: str, where: str) -> Path:
    """Write `text` to `path` after checking its extension is `suffix` (drawings, widget exports)."""
    path = Path(path)
    if path.suffix.lower() != suffix:
        raise ValueError(f"{where}: expected a path ending in {suffix}, got {str(path)!r}")
    path.write_text(text, encoding="utf-8")
    return path


def draw(root, *, model=None, engine: str | None = None, collapsed=(), direction: str = "auto") -> Drawing:
    """Draw the graph that computed `root` (a `Value` or `Tensor`): variables with their data and grad,
    each operation as its own node. `model` (an `nn.Module`) names parameters by their module path;
    `engine` picks Graphviz ("auto", "dot", "wasm"); `collapsed` lists name scopes to fold into one step
    each; `direction` is "LR" (inputs on the left), "TB" (top to bottom) or "auto" (by depth)."""
    snap = snapshot(root, model=model)
    source, _ = to_dot(snap, collapsed, direction)
    return Drawing(snap, source, svg_from_dot(source, engine))
