"""draw(): DOT and SVG with every snapshot node and edge by id, data and grad shown, labels escaped,
and the WebAssembly Graphviz path used when no `dot` binary is present."""
import re
import shutil

import pytest

from tests.test_snapshot_value import classic
from tinygrad_edu import Value, draw
from tinygrad_edu.viz import snapshot, svg_from_dot, to_dot


def svg_ids(svg: str) -> set:
    return set(re.findall(r'<g id="([^"]+)" class="(?:node|edge)', svg))


def node_text(svg: str, node_id: str) -> str:
    block = re.search(rf'<g id="{node_id}" class="node.*?</g>', svg, re.S).group(0)
    return " ".join(re.findall(r">([^<]*)</text>", block)).replace("&#45;", "-")


@pytest.mark.parametrize("engine", ["wasm", "auto"])
def test_every_node_and_edge_appears_by_id_with_data_and_grad(engine):
    f = classic()
    f.backward()
    drawing = draw(f, engine=engine)
    snap = drawing.snapshot
    assert svg_ids(drawing.svg) == {n["id"] for n in snap["nodes"]} | {e["id"] for e in snap["edges"]}
    assert node_text(drawing.svg, "v0") == "x data -2 grad -4"
    assert node_text(drawing.svg, "v3") == "z data -4 grad 3"
    assert node_text(drawing.svg, "v4") == "f data -12 grad 1"
    assert node_text(drawing.svg, "o4") == "*"


def test_environment_variable_forces_the_webassembly_build(monkeypatch):
    monkeypatch.setenv("TINYGRAD_EDU_GRAPHVIZ", "wasm")
    monkeypatch.setattr(shutil, "which", lambda name: "/nonexistent/dot")     # as if dot were installed
    svg = draw(classic()).svg
    assert svg.startswith("<svg") and 'id="e4_out"' in svg


def test_before_backward_the_drawing_says_grad_not_computed_yet():
    assert node_text(draw(classic(), engine="wasm").svg, "v0") == "x data -2 grad not computed yet"


def test_inputs_left_output_right_and_ops_as_their_own_nodes():
    source, _ = to_dot(snapshot(classic()))
    assert "rankdir=LR" in source
    assert re.search(r"\bo4 \[label=\"\*\".*shape=circle", source)
    svg = draw(classic(), engine="wasm").svg
    x_of = {i: float(re.search(rf'<g id="{i}" class="node.*?<text[^>]* x="([-\d.]+)"', svg, re.S).group(1))
            for i in ("v0", "o2", "v2", "o4", "v4")}
    assert x_of["v0"] < x_of["o2"] < x_of["v2"] < x_of["o4"] < x_of["v4"]


def test_labels_are_text_never_markup():
    x = Value(1.0, label="<script>alert(1)</script>")
    y = Value(2.0, label='q"\\N<b>')
    svg = draw(x * y, engine="wasm").svg
    assert "<script" not in svg and "<b>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert node_text(svg, "v1") == "q&quot;\\N&lt;b&gt; data 2 grad not computed yet"


def test_save_writes_the_svg_and_rejects_other_suffixes(tmp_path):
    drawing = draw(classic(), engine="wasm")
    assert drawing.save(tmp_path / "g.svg").read_text(encoding="utf-8") == drawing.svg
    with pytest.raises(ValueError, match=r"Drawing.save: expected a path ending in .svg, got '.*g.png'"):
        drawing.save(tmp_path / "g.png")


def test_displays_in_jupyter_as_svg():
    drawing = draw(classic(), engine="wasm")
    assert drawing._repr_svg_() == drawing.svg
    bundle = drawing._repr_mimebundle_()
    assert bundle["image/svg+xml"] == drawing.svg
    assert bundle["text/plain"] == "<Drawing of a value graph: 5 variables, 2 operations>"


def test_deep_chain_draws_without_recursion():
    h = Value(1.0, label="x")
    for _ in range(3000):
        h = h + 1.0
    source, view = to_dot(snapshot(h))
    assert source.count("->") == 3 * 3000 and len(view["nodes"]) == 1 + 3 * 3000


def test_bad_inputs_get_clear_errors():
    with pytest.raises(TypeError, match="snapshot: expected a tinygrad_edu Value or Tensor .*got int 42"):
        draw(42)
    with pytest.raises(ValueError, match=r"svg_from_dot: engine must be one of .* got 'neato'"):
        svg_from_dot("digraph {}", engine="neato")
    with pytest.raises(ValueError, match=r"to_dot: unknown scope\(s\) \['layer9'\]"):
        to_dot(snapshot(classic()), collapsed=["layer9"])


def test_asking_for_system_dot_when_absent_says_so(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="no `dot` is on PATH"):
        svg_from_dot("digraph {}", engine="dot")


def test_webassembly_stack_limit_gives_a_clear_error():
    chain = "digraph {" + ";".join(f"n{i}->n{i + 1}" for i in range(60_000)) + "}"
    with pytest.raises(RuntimeError, match=r"WebAssembly Graphviz ran out of stack .* system Graphviz"):
        svg_from_dot(chain, engine="wasm")
