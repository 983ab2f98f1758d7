"""Animators as plain HTML that needs no kernel and no network: the browser code, its CSS, the laid-out
SVG and the steps all inline. `replay_html` writes a whole page (save_html); `replay_fragment` and
`replay_assets` are the pieces the nbconvert exporter puts into an exported notebook.

Each fragment carries the static SVG of its step as markup, so the picture shows even where scripts
never run; the assets' one module script then turns every fragment on the page into a live replay."""
import html
import json

from .playback import state_at, svg_at
from .static_files import ANIMATOR_MODULE, module_source, static_file

BOOT = """
for (const box of document.querySelectorAll(".tge-export")) {
  const state = JSON.parse(box.querySelector("script.tge-state").textContent);
  const model = createLocalModel(state);
  box.querySelector(".tge-picture").remove();
  GraphAnimatorView.initialize({ model });
  GraphAnimatorView.render({ model, el: box });
}
"""


def _inline_script(text: str, what: str) -> str:
    """Text safe inside a <script> element (no early "</script>")."""
    if "</script" in text.lower():
        raise ValueError(f"save_html: {what} contains '</script', which would end the inline script early")
    return text


def static_picture(state: dict) -> str:
    """The SVG of the state's current step, as the animator's kernel-side static_svg() draws it."""
    graph, view = json.loads(state["graph_json"]), json.loads(state["view"])
    step = state["step"]
    if step < 0:
        last = -1
    else:
        s = view["steps"][step]
        last = s["e"] if "e" in s else s["l"]
    return svg_at(state["svg"], state_at(graph["nodes"], graph["events"], last))


def replay_fragment(state: dict) -> str:
    """One animator: its static picture, and its synced state as JSON for the replay script."""
    data = json.dumps({**state, "playing": False}, allow_nan=False).replace("<", "\\u003c")   # never a tag
    return (f'<div class="tge-export"><div class="tge-picture">{static_picture(state)}</div>'
            f'<script type="application/json" class="tge-state">{data}</script></div>')


def replay_assets() -> str:
    """The CSS and the one module script that replays every `.tge-export` fragment on the page."""
    css = static_file("graph_animator.css").read_text(encoding="utf-8")
    code = _inline_script(module_source("local_model.js", *ANIMATOR_MODULE), "the animator's module")
    return f"<style>\n{css}\n</style>\n<script type=\"module\">\n{code}\n{BOOT}\n</script>\n"


def replay_html(state: dict, title: str) -> str:
    """An HTML page playing `state` (the animator's synced traits) with the same ES module as the widget."""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}</title>
<style>body {{ margin: 16px; }}</style>
</head>
<body>
{replay_fragment(state)}
{replay_assets()}
<script type="module">document.querySelector(".tge-animator")?.focus();</script>
</body>
</html>
"""
