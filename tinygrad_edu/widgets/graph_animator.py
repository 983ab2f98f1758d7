"""GraphAnimator: watch the forward pass compute values and backpropagation hand gradients back, step by
step, in JupyterLab. Python lays the graph out (Graphviz) and sends plain data; the browser plays it.

A model's graph opens at module level: each module folded into one step (see viz/fold.py), expanded
on a click. `step` counts the steps of the current view, so it is re-mapped when the view changes.
"""
import json
import uuid
from pathlib import Path

import anywidget
import traitlets

from ..viz.adapters import adapter_for
from ..viz.dot import DIRECTIONS, to_dot
from ..viz.drawing import save_text
from ..viz.fold import module_level, repeats, scope_ids
from ..viz.render import svg_from_dot
from ..viz.snapshot import snapshot
from .html_export import replay_html
from .playback import PHASES, for_browser, highlighted_ids, state_at, step_range, steps_for, svg_at
from .static_files import ANIMATOR_MODULE, module_source, static_file

MAX_NODES = 400     # beyond this many drawn nodes even at module level, only the outer scopes open
STATE = ("uid", "graph_json", "svg", "view", "scopes", "runs", "collapsed", "direction", "message", "step",
         "phase", "speed")


class GraphAnimator(anywidget.AnyWidget):
    """Animate the graph that computed `root` (a `Value` or `Tensor`).

    `model` (the `nn.Module` that built the graph) names parameters by their module path ("0.weight").
    `collapsed` is "modules" (each innermost module folded, repeated blocks as "×N"), "none", or a list
    of scope paths; `direction` is "auto", "LR" or "TB". `step` is the index of the step shown (-1:
    nothing computed yet); `phase` picks what plays ("both", "forward" or "backward"); `play()` and
    `pause()` start and stop playback in the browser. All are synced: a lesson can set `w.step = 3` and
    read `w.current_event`, `w.highlighted` or `w.shown("v0")`.
    """

    _esm = module_source(*ANIMATOR_MODULE)
    _css = static_file("graph_animator.css")

    uid = traitlets.Unicode().tag(sync=True)         # one browser-side state per model, shared by its views
    graph_json = traitlets.Unicode().tag(sync=True)  # the snapshot as JSON: ipywidgets walks dicts slowly
    svg = traitlets.Unicode().tag(sync=True)
    view = traitlets.Unicode().tag(sync=True)        # the fold (drawn ids, steps) as JSON
    scopes = traitlets.Dict().tag(sync=True)
    runs = traitlets.Dict().tag(sync=True)
    collapsed = traitlets.List(traitlets.Unicode()).tag(sync=True)
    direction = traitlets.Unicode("auto").tag(sync=True)
    message = traitlets.Unicode().tag(sync=True)
    step = traitlets.Int(-1).tag(sync=True)
    phase = traitlets.Unicode("both").tag(sync=True)
    playing = traitlets.Bool(False).tag(sync=True)
    speed = traitlets.Float(1.0).tag(sync=True)

    def __init__(self, root, *, model=None, phase: str = "both", speed: float = 1.0, collapsed="modules",
                 direction: str = "auto", max_nodes: int = MAX_NODES, engine: str | None = None):
        adapter_for(root, "GraphAnimator")
        if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
            raise ValueError(f"GraphAnimator: max_nodes must be a positive int, got {max_nodes!r}")
        snap = snapshot(root, model=model)
        scopes, runs = scope_ids(snap), repeats(snap)
        self._engine, self._snapshot, self._runs = engine, snap, runs
        self._fold_steps, self._steps, self._fold = [], [], {}
        opening, message = self._opening(collapsed, snap, scopes, runs, max_nodes)
        super().__init__(uid=uuid.uuid4().hex, graph_json=json.dumps(_for_browser(snap), allow_nan=False),
                         scopes=scopes, runs={key: run["scopes"] for key, run in runs.items()},
                         message=message, speed=speed, direction=direction, collapsed=opening)
        self._layout()
        self.phase = phase
        self.step = step_range(self._steps, phase)[0]
        self.observe(self._relayout, names=["collapsed", "direction"])

    @staticmethod
    def _opening(collapsed, snap, scopes, runs, max_nodes) -> tuple[list, str]:
        """The folds a graph opens with, and the line that says how to open them."""
        if collapsed == "none":
            return [], ""
        if collapsed != "modules":
            if isinstance(collapsed, str) or not all(isinstance(c, str) for c in collapsed):
                raise TypeError(f"GraphAnimator: collapsed= expects 'modules', 'none' or a list of scope "
                                f"paths, got {collapsed!r}")
            return list(collapsed), ""
        opening = module_level(snap, runs)
        size = len(snap["nodes"])
        if size > max_nodes and not opening:
            return [], (f"This graph has {size} nodes (more than max_nodes={max_nodes}) and no name scopes "
                        "to fold; build it inside `with name_scope(...)` blocks (or with nn modules) "
                        "to group it.")
        if size > max_nodes and len(opening) > max_nodes // 4:
            opening = [p for p in scopes if "/" not in p]            # very many modules: the outer ones
        if not opening:
            return [], ""
        return opening, ("Opened at module level: click a module's box to see its operations, "
                         "click a frame's label to fold it again.")

    def _relayout(self, change) -> None:
        """A new view: the step stays on the same moment of the computation."""
        old = self._fold_steps[self.step]["last"] if self.step >= 0 else -1
        self._layout()
        if old < 0:
            self.step = -1
        else:
            self.step = next(s for s, step in enumerate(self._fold_steps) if step["last"] >= old)

    def _layout(self) -> None:
        source, view = to_dot(_widest_texts(self.snapshot), self.collapsed, self.direction, self._runs)
        self._fold, self._fold_steps = view, view["steps"]
        self._steps = steps_for(self.events_of_snapshot, self._fold_steps)
        browser = {"nodes": view["nodes"], "edges": view["edges"], "direction": view["direction"],
                   "groups": {g: group["key"] for g, group in view["groups"].items()},
                   "steps": for_browser(self._fold_steps)}
        with self.hold_sync():
            self.svg = svg_from_dot(source, self._engine)
            self.view = json.dumps(browser, allow_nan=False)

    @property
    def snapshot(self) -> dict:
        """The plain-data graph this animator plays (see `tinygrad_edu.snapshot`)."""
        return self._snapshot

    @property
    def events_of_snapshot(self) -> list:
        return self._snapshot["events"]

    @traitlets.validate("phase", "direction")
    def _check_choice(self, proposal):
        name = proposal["trait"].name
        choices = {"phase": PHASES, "direction": DIRECTIONS}[name]
        if proposal["value"] not in choices:
            raise traitlets.TraitError(f"GraphAnimator.{name}: expected one of {choices}, "
                                       f"got {proposal['value']!r}")
        return proposal["value"]

    @traitlets.observe("phase")
    def _into_phase(self, change):
        """A new phase starts at its own first step unless the current step already lies inside it."""
        first, last = step_range(self._steps, change["new"])
        if not first <= self.step <= last:
            self.step = first

    @traitlets.validate("step")
    def _check_step(self, proposal):
        first, last = -1, len(self._steps) - 1
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
        unknown = sorted(set(proposal["value"]) - set(self.scopes) - set(self.runs))
        if unknown:
            runs = f" and repeated runs {sorted(self.runs)}" if self.runs else ""
            raise traitlets.TraitError(f"GraphAnimator.collapsed: unknown scope(s) {unknown}; "
                                       f"this graph has {sorted(self.scopes) or 'none'}{runs}")
        return proposal["value"]

    # ---- playback from Python ----------------------------------------------------------------
    def play(self) -> None:
        """Start playback in the browser (from the start of the phase if it is at the end)."""
        self.playing = True

    def pause(self) -> None:
        self.playing = False

    @property
    def events(self) -> list:
        """The steps this view plays: the snapshot's events one by one where nothing is folded, one step
        per folded module's run of events (its "text" says what it computed or handed back)."""
        return self._steps

    @property
    def current_event(self) -> dict | None:
        """The step shown at `step` (None before the first)."""
        return self._steps[self.step] if self.step >= 0 else None

    @property
    def highlighted(self) -> list:
        """Drawn ids of the nodes and edges lit up at `step`."""
        return highlighted_ids(self.current_event, self._fold)

    def shown(self, node_id: str) -> dict:
        """What variable `node_id` shows at `step`: {"value": text, "grad": text}."""
        if not any(n["id"] == node_id and n["kind"] == "var" for n in self.snapshot["nodes"]):
            raise KeyError(f"GraphAnimator.shown: no variable {node_id!r} in this graph")
        return self._state()[node_id]

    def _state(self) -> dict:
        last = self._fold_steps[self.step]["last"] if self.step >= 0 else -1
        return state_at(self.snapshot["nodes"], self.events_of_snapshot, last)

    # ---- static output -----------------------------------------------------------------------
    def static_svg(self) -> str:
        """The SVG of the current step, as a picture (what nbconvert and GitHub show)."""
        return svg_at(self.svg, self._state())

    def _repr_mimebundle_(self, **kwargs):
        data, metadata = super()._repr_mimebundle_(**kwargs)     # anywidget returns (data, metadata)
        return {**data, "image/svg+xml": self.static_svg()}, metadata

    def save_svg(self, path) -> Path:
        """Write the current step as an SVG file (path must end in .svg)."""
        return save_text(path, ".svg", self.static_svg(), "GraphAnimator.save_svg")

    def replay_state(self) -> dict:
        """The synced state a page needs to replay this animator with no kernel."""
        return {**{name: getattr(self, name) for name in STATE}, "playing": False}

    def save_html(self, path, title: str = "Computational graph") -> Path:
        """Write a self-contained HTML page replaying this animation in any browser, with no kernel."""
        return save_text(path, ".html", replay_html(self.replay_state(), title), "GraphAnimator.save_html")


def _for_browser(snap: dict) -> dict:
    """The snapshot without what the browser never reads (the arrays behind the upstream and product
    texts, forward values the nodes already hold, and the nodes' gradients, which the backward events
    carry): a fraction of the JSON for big tensor graphs."""
    dropped = {"forward": ("value",), "backward": ("upstream", "product")}
    events = [{k: v for k, v in e.items() if k not in dropped[e["phase"]]} for e in snap["events"]]
    nodes = [n if n.get("grad") is None else {**n, "grad": None} for n in snap["nodes"]]
    return {**snap, "nodes": nodes, "events": events}


def _widest_texts(snap: dict) -> dict:
    """The snapshot with each variable's data and grad set to the longest text it will show while the
    animation plays, so Graphviz sizes every box to fit all of them."""
    longest = {n["id"]: {"value_text": n["value_text"], "grad_text": n["grad_text"]}
               for n in snap["nodes"] if n["kind"] == "var"}
    for event in snap["events"]:
        key = "value_text" if event["phase"] == "forward" else "grad_text"
        texts = longest[event["node"]]
        texts[key] = max(texts[key], event[key], key=len)
    nodes = [{**n, **longest[n["id"]]} if n["kind"] == "var" else n for n in snap["nodes"]]
    return {**snap, "nodes": nodes}
