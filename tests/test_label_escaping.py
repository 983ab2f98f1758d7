"""Labels exactly as typed, in every picture, widget and export: "&amp;" reads "&amp;" (never "&"),
markup stays text, and control characters or lone surrogates cannot break the SVG, DOT or HTML (each
control character shows as its Unicode control picture, a lone surrogate as �)."""
import json
import re
import xml.etree.ElementTree as ET

import pytest

import tinygrad_edu as tg
from tinygrad_edu import Value, draw
from tinygrad_edu.viz import snapshot, to_dot
from tinygrad_edu.widgets import GraphAnimator
from tinygrad_edu.widgets.html_export import replay_fragment

SVG = "{http://www.w3.org/2000/svg}"
TYPED = {"a &amp; b": "a &amp; b", "x & y < z": "x & y < z", "bell\x07null\x00": "bell␇null␀",
         "lone \ud800 half": "lone � half", "tab\there\nnew line": "tab␉here␊new line",
         '"q"\\N <b>': '"q"\\N <b>'}


@pytest.fixture(autouse=True)
def wasm_graphviz(monkeypatch):
    monkeypatch.setenv("TINYGRAD_EDU_GRAPHVIZ", "wasm")


def first_lines(svg: str) -> dict:
    """id → the first text line of each variable's box, read by an XML parser (so the SVG must be
    well-formed and UTF-8-encodable)."""
    root = ET.fromstring(svg.encode("utf-8"))
    return {g.get("id"): g.findall(f"{SVG}text")[0].text for g in root.iter(f"{SVG}g")
            if "var" in (g.get("class") or "")}


def graph(label: str):
    x = Value(2.0, label=label)
    return x * 3.0


@pytest.mark.parametrize("typed", list(TYPED))
def test_drawings_show_labels_as_typed(typed):
    drawing = draw(graph(typed))
    assert first_lines(drawing.svg)["v0"] == TYPED[typed]
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", drawing.source)       # DOT stays text
    drawing.source.encode("utf-8")


@pytest.mark.parametrize("typed", list(TYPED))
def test_widget_svg_static_svg_and_html_export_show_labels_as_typed(typed, tmp_path):
    w = GraphAnimator(graph(typed))
    assert first_lines(w.svg)["v0"] == TYPED[typed]
    assert first_lines(w.static_svg())["v0"] == TYPED[typed]
    page = w.save_html(tmp_path / "g.html").read_text(encoding="utf-8")
    state = json.loads(re.search(r'class="tge-state">(.*?)</script>', page, re.S).group(1))
    assert json.loads(state["graph_json"])["nodes"][0]["name"] == TYPED[typed]
    picture = re.search(r'<div class="tge-picture">(.*?)</div>', page, re.S).group(1)
    assert first_lines(picture)["v0"] == TYPED[typed]
    assert page.count("<script") == 3                       # a label never opens or closes a script
    replay_fragment(w.replay_state()).encode("utf-8")


def test_tensor_names_and_scopes_are_cleaned_the_same_way():
    a = tg.tensor([1.0, 2.0], requires_grad=True, name="w\x00 &amp;")
    with tg.name_scope("layer\x07"):
        out = (a * a).sum()
    snap = snapshot(out)
    assert snap["nodes"][0]["name"] == "w␀ &amp;" and snap["nodes"][1]["scope"] == "layer␇"
    source, _ = to_dot(snap)
    assert "\x00" not in source and "\x07" not in source and "&amp;amp;" in source
    assert "layer␇" in draw(out).svg
