"""GraphAnimator: watch the forward pass compute values and backpropagation hand gradients back, node by
node, in JupyterLab. Python lays the graph out once (Graphviz) and sends plain data; the browser plays it.
"""
import json
from pathlib import Path

import anywidget
import traitlets

from ..viz.adapters import adapter_for
from ..viz.dot import scope_ids, to_dot
from ..viz.drawing import save_text
from ..viz.render import svg_from_dot
from ..viz.snapshot import NOT_COMPUTED, snapshot
from .html_export import replay_html
from .playback import PHASES, highlighted_ids, state_at, step_range, svg_at
from .static_files import static_file

MAX_NODES = 400     # beyond this many drawn nodes, name scopes open collapsed (the browser stays quick)


class GraphAnimator(anywidget.AnyWidget):
    """Animate the graph that computed `root` (a `Value` or `Tensor`).

    `step` is the index of the event shown (-1: nothing computed yet); `phase` picks what plays
    ("both", "forward" or "backward"); `play()`/`pause()` start and stop playback in the browser.
    Both are synced: a lesson can set `w.step = 3` and read `w.current_event` or `w.highlighted`.
    Graphs with more than `max_nodes` nodes open with their name scopes collapsed.
    """

    _esm = static_file("graph_animator.js")
    _css = static_file("graph_animator.css")

    graph_json = traitlets.Unicode().tag(sync=True)   # the snapshot as JSON: ipywidgets walks dicts slowly
    svg = traitlets.Unicode().tag(sync=True)
    view = traitlets.Dict().tag(sync=True)
    scopes = traitlets.Dict().tag(sync=True)
    collapsed = traitlets.List(traitlets.Unicode()).tag(sync=True)
    message = traitlets.Unicode().tag(sync=True)
    step = traitlets.Int(-1).tag(sync=True)
    phase = traitlets.Unicode("both").tag(sync=True)
    playing = traitlets.Bool(False).tag(sync=True)
    speed = traitlets.Float(1.0).tag(sync=True)

    def __init__(self, root, *, phase: str = "both", speed: float = 1.0, max_nodes: int = MAX_NODES,
                 engine: str | None = None):
        adapter_for(root, "GraphAnimator")
        if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
            raise ValueError(f"GraphAnimator: max_nodes must be a positive int, got {max_nodes!r}")
        snap = snapshot(root)
        scopes = scope_ids(snap)
        collapsed, message = [], ""
        size = len(snap["nodes"])
        if size > max_nodes:
            collapsed = [path for path in scopes if "/" not in path]
            message = (f"This graph has {size} nodes (more than max_nodes={max_nodes}), so its name scopes "
                       "open collapsed: click a box to expand it, a dashed frame to collapse it."
                       if collapsed else
                       f"This graph has {size} nodes (more than max_nodes={max_nodes}) and no name scopes to "
                       "collapse; build it inside `with name_scope(...)` blocks to group it.")
        self._engine, self._snapshot = engine, snap
        super().__init__(graph_json=json.dumps(_for_browser(snap), allow_nan=False), scopes=scopes,
                         collapsed=collapsed, message=message, speed=speed)
        self.phase = phase
        self.step = step_range(snap["events"], phase)[0]
        self._layout()
        self.observe(lambda _: self._layout(), names="collapsed")

    def _layout(self) -> None:
        source, view = to_dot(_widest_texts(self.snapshot), self.collapsed)
        with self.hold_sync():
            self.svg = svg_from_dot(source, self._engine)
            self.view = view

    @property
    def snapshot(self) -> dict:
        """The plain-data graph this animator plays (see `tinygrad_edu.snapshot`)."""
        return self._snapshot

    @traitlets.validate("phase")
    def _check_phase(self, proposal):
        if proposal["value"] not in PHASES:
            raise traitlets.TraitError(f"GraphAnimator.phase: expected one of {PHASES}, "
                                       f"got {proposal['value']!r}")
        return proposal["value"]

    @traitlets.observe("phase")
    def _into_phase(self, change):
        """A new phase starts at its own first step unless the current step already lies inside it."""
        first, last = step_range(self.events, change["new"])
        if not first <= self.step <= last:
            self.step = first

    @traitlets.validate("step")
    def _check_step(self, proposal):
        first, last = -1, len(self.snapshot.get("events", [])) - 1
        if not first <= proposal["value"] <= last:
            raise traitlets.TraitError(f"GraphAnimator.step: expected an int from {first} to {last}, "
                                       f"got {proposal['value']!r}")
        return proposal["value"]

    @traitlets.validate("speed")
    def _check_speed(self, proposal):
        if not proposal["value"] > 0:
            raise traitlets.TraitError(f"GraphAnimator.speed: expected steps per second > 0, "
                                       f"got {proposal['value']!r}")
        return proposal["value"]

    @traitlets.validate("collapsed")
    def _check_collapsed(self, proposal):
        unknown = sorted(set(proposal["value"]) - set(self.scopes))
        if unknown:
            raise traitlets.TraitError(f"GraphAnimator.collapsed: unknown scope(s) {unknown}; "
                                       f"this graph has {sorted(self.scopes) or 'none'}")
        return proposal["value"]

    # ---- playback from Python ----------------------------------------------------------------
    def play(self) -> None:
        """Start playback in the browser (from the start of the phase if it is at the end)."""
        self.playing = True

    def pause(self) -> None:
        self.playing = False

    @property
    def events(self) -> list:
        return self.snapshot["events"]

    @property
    def current_event(self) -> dict | None:
        """The event shown at `step` (None before the first)."""
        return self.events[self.step] if self.step >= 0 else None

    @property
    def highlighted(self) -> list:
        """Ids of the nodes and edges lit up at `step`."""
        return highlighted_ids(self.current_event)

    def shown(self, node_id: str) -> dict:
        """What variable `node_id` shows at `step`: {"value": text, "grad": text}."""
        if not any(n["id"] == node_id and n["kind"] == "var" for n in self.snapshot["nodes"]):
            raise KeyError(f"GraphAnimator.shown: no variable {node_id!r} in this graph")
        return state_at(self.events, self.step).get(node_id, {"value": NOT_COMPUTED, "grad": NOT_COMPUTED})

    # ---- static output -----------------------------------------------------------------------
    def static_svg(self) -> str:
        """The SVG of the current step, as a picture (what nbconvert and GitHub show)."""
        return svg_at(self.svg, self.events, self.step)

    def _repr_mimebundle_(self, **kwargs):
        data, metadata = super()._repr_mimebundle_(**kwargs)     # anywidget returns (data, metadata)
        return {**data, "image/svg+xml": self.static_svg()}, metadata

    def save_svg(self, path) -> Path:
        """Write the current step as an SVG file (path must end in .svg)."""
        return save_text(path, ".svg", self.static_svg(), "GraphAnimator.save_svg")

    def save_html(self, path, title: str = "Computational graph") -> Path:
        """Write a self-contained HTML page replaying this animation in any browser, with no kernel."""
        state = {name: getattr(self, name) for name in
                 ("graph_json", "svg", "view", "scopes", "collapsed", "message", "step", "phase", "speed")}
        page = replay_html({**state, "playing": False}, title)
        return save_text(path, ".html", page, "GraphAnimator.save_html")


def _for_browser(snap: dict) -> dict:
    """The snapshot without what the browser never reads (the arrays behind the upstream and product
    texts, and forward values the nodes already hold): a third of the JSON for big tensor graphs."""
    dropped = {"forward": ("value",), "backward": ("upstream", "product")}
    events = [{k: v for k, v in e.items() if k not in dropped[e["phase"]]} for e in snap["events"]]
    return {**snap, "events": events}


def _widest_texts(snap: dict) -> dict:
    """The snapshot with each variable's data and grad set to the longest text it will show while the
    animation plays, so Graphviz sizes every box to fit all of them."""
    longest = {}
    for event in snap["events"]:
        key = "value" if event["phase"] == "forward" else "grad"
        texts = longest.setdefault(event["node"], {"value": NOT_COMPUTED, "grad": NOT_COMPUTED})
        texts[key] = max(texts[key], event[f"{key}_text"], key=len)
    nodes = [{**n, **longest.get(n["id"], {"value": NOT_COMPUTED, "grad": NOT_COMPUTED})}
             if n["kind"] == "var" else n for n in snap["nodes"]]
    return {**snap, "nodes": nodes}

