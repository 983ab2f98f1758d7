"""nbconvert's own extension points for course sites: `jupyter nbconvert --to tinygrad_edu_html`.

Why: an executed notebook stores its widgets' state, and nbconvert's HTML then writes each widget as a
live-widget placeholder whose scripts come from a CDN, so offline every animator is a blank. The
`AnimatorPreprocessor` replaces each GraphAnimator output by its static SVG (markup, visible with no
script at all) and the inline replay with its controls, built from the stored state; the exporter
(registered in pyproject.toml under the "nbconvert.exporters" entry point) is nbconvert's HTML
exporter with that preprocessor first. Other widgets keep their stored state untouched.
"""
from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from .graph_animator import STATE
from .html_export import replay_assets, replay_fragment

VIEW_MIME = "application/vnd.jupyter.widget-view+json"
STATE_MIME = "application/vnd.jupyter.widget-state+json"
ANIMATOR_TRAITS = set(STATE)          # the synced traits a replay reads


class AnimatorPreprocessor(Preprocessor):
    """Each GraphAnimator output with stored widget state → an offline replay (picture + controls)."""

    enabled = Bool(True, help="replace stored animators by offline replays").tag(config=True)

    def preprocess(self, nb, resources):
        store = nb.metadata.get("widgets", {}).get(STATE_MIME, {}).get("state", {})
        replaced, others, last = set(), set(), None
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                model_id = output.get("data", {}).get(VIEW_MIME, {}).get("model_id")
                if model_id is None:
                    continue
                state = store.get(model_id, {}).get("state", {})
                if not _is_animator(state):
                    others.add(model_id)
                    continue
                kept = {k: v for k, v in output["data"].items() if k not in (VIEW_MIME, "image/svg+xml")}
                replay = replay_fragment({k: state[k] for k in ANIMATOR_TRAITS})
                output["data"] = {**kept, "text/html": replay}
                replaced.add(model_id)
                last = output
        if last is not None:
            last["data"]["text/html"] += replay_assets()        # the CSS and script, once per page
        if replaced and not others and "widgets" in nb.metadata:
            del nb.metadata["widgets"]                          # nothing left for the CDN manager to run
        return nb, resources


def _is_animator(state: dict) -> bool:
    return str(state.get("_anywidget_id", "")).endswith("GraphAnimator") and ANIMATOR_TRAITS <= set(state)


class AnimatorHTMLExporter(HTMLExporter):
    """nbconvert's HTML exporter whose animators work offline (`--to tinygrad_edu_html`)."""

    export_from_notebook = "HTML with offline animators"

    def _init_preprocessors(self):
        super()._init_preprocessors()
        self.register_preprocessor(AnimatorPreprocessor, enabled=True)     # last: after --execute has run
