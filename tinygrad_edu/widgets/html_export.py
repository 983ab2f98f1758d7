"""A self-contained HTML replay of an animator: the browser code, its CSS, the laid-out SVG and the
events all inline in one file, so a course site or a slide deck plays it with no kernel and offline."""
import html
import json

from .static_files import static_file


def _inline_script(text: str, what: str) -> str:
    """Text safe inside a <script> element (no early "</script>")."""
    if "</script" in text.lower():
        raise ValueError(f"save_html: {what} contains '</script', which would end the inline script early")
    return text


def replay_html(state: dict, title: str) -> str:
    """An HTML page playing `state` (the animator's synced traits) with the same ES module as the widget."""
    data = json.dumps(state, allow_nan=False).replace("<", "\\u003c")    # never closes a tag
    css = static_file("graph_animator.css").read_text(encoding="utf-8")
    model_js, view_js = (_inline_script(static_file(name).read_text(encoding="utf-8"), name)
                         for name in ("local_model.js", "graph_animator.js"))
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}</title>
<style>
{css}
body {{ margin: 16px; }}
</style>
</head>
<body>
<div id="animator"></div>
<script type="application/json" id="animator-state">{data}</script>
<script type="module">
{model_js}
{view_js}
const state = JSON.parse(document.getElementById("animator-state").textContent);
const model = createLocalModel(state);
GraphAnimatorView.initialize({{ model }});
GraphAnimatorView.render({{ model, el: document.getElementById("animator") }});
document.querySelector(".tge-animator").focus();
</script>
</body>
</html>
"""
