"""GraphAnimator, Python side: synced step/phase, what is highlighted, the static SVG fallback, the
HTML replay file, collapsing large graphs, escaping, and clear errors."""
import json
import re

import numpy as np
import pytest
import traitlets

import tinygrad_edu as tg
from tests.test_snapshot_value import classic
from tinygrad_edu import Value, nn
from tinygrad_edu.widgets import GraphAnimator


@pytest.fixture(autouse=True)
def wasm_graphviz(monkeypatch):
    monkeypatch.setenv("TINYGRAD_EDU_GRAPHVIZ", "wasm")


def test_steps_walk_forward_then_backward_and_python_reads_what_is_shown():
    w = GraphAnimator(classic())
    assert (w.step, w.phase, w.playing) == (-1, "both", False)
    assert w.current_event is None
    assert w.shown("v0") == {"value": "not computed yet", "grad": "not computed yet"}
    w.step = 3
    assert w.current_event["text"] == "a = x + y = 3"
    assert w.highlighted == ["v2", "o2", "e2_0", "e2_1", "e2_out"]
    assert w.shown("v2") == {"value": "3", "grad": "not computed yet"}
    w.step = len(w.events) - 2
    assert w.current_event["text"] == "∂f/∂x = ∂f/∂a · ∂(x + y)/∂x = (-4) · 1 = -4"
    assert w.shown("v0") == {"value": "-2", "grad": "-4"}
    assert w.shown("v1")["grad"] == "not computed yet"


def test_play_pause_and_phase_are_traits_the_browser_follows():
    w = GraphAnimator(classic(), phase="backward", speed=2)
    assert w.step == 4 and w.speed == 2.0          # backward starts with the forward pass complete
    w.play()
    assert w.playing
    w.pause()
    assert not w.playing
    w.step = 9
    w.phase = "forward"
    assert w.step == -1                            # step 9 lies outside the forward phase: start it
    w.step = 2
    w.phase = "both"
    assert w.step == 2
    with pytest.raises(traitlets.TraitError, match=r"GraphAnimator.phase: expected one of .* got 'sideways'"):
        w.phase = "sideways"
    with pytest.raises(traitlets.TraitError, match=r"step: expected an int from -1 to 9, got 10"):
        w.step = 10
    with pytest.raises(traitlets.TraitError, match=r"GraphAnimator.speed: expected steps per second > 0"):
        w.speed = 0
    with pytest.raises(KeyError, match="no variable 'o2'"):
        w.shown("o2")


def test_display_carries_a_static_svg_of_the_current_step():
    w = GraphAnimator(classic())
    w.step = 8
    data, _ = w._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    svg = data["image/svg+xml"]
    x_box = re.search(r'<g id="v0" class="node.*?</g>', svg, re.S).group(0)
    assert ">data -2<" in x_box and ">grad -4<" in x_box
    assert ">grad not computed yet<" in re.search(r'<g id="v1" class="node.*?</g>', svg, re.S).group(0)
    ids = set(re.findall(r'<g id="([^"]+)" class="(?:node|edge)', svg))
    assert ids == {n["id"] for n in w.snapshot["nodes"]} | {e["id"] for e in w.snapshot["edges"]}


def test_save_svg_and_save_html(tmp_path):
    w = GraphAnimator(classic())
    w.step = 5
    assert w.save_svg(tmp_path / "g.svg").read_text(encoding="utf-8") == w.static_svg()
    page = w.save_html(tmp_path / "g.html").read_text(encoding="utf-8")
    assert "<script src" not in page and "http" not in page.replace("http://www.w3.org", "")   # offline
    assert ".tge-animator" in page and "createLocalModel" in page and "GraphAnimatorView.render" in page
    state = json.loads(re.search(r'class="tge-state">(.*?)</script>', page, re.S).group(1))
    assert state["step"] == 5 and not state["playing"]
    sent = json.loads(state["graph_json"])["nodes"]
    assert [(n["id"], n["name"]) for n in sent] == [(n["id"], n["name"]) for n in w.snapshot["nodes"]]
    with pytest.raises(ValueError, match=r"GraphAnimator.save_html: expected a path ending in .html"):
        w.save_html(tmp_path / "g.svg")
    with pytest.raises(ValueError, match=r"GraphAnimator.save_svg: expected a path ending in .svg"):
        w.save_svg(tmp_path / "g.html")


def test_labels_are_escaped_in_widget_svg_and_html(tmp_path):
    f = Value(1.0, label="</script><script>alert(1)</script>") * 2
    w = GraphAnimator(f)
    assert "<script>" not in w.svg and "<script>" not in w.static_svg()
    page = w.save_html(tmp_path / "g.html").read_text(encoding="utf-8")
    assert page.count("<script") == 3 and "alert(1)" in page       # only our three scripts; the label is data


def test_two_animators_keep_their_own_state():
    first, second = GraphAnimator(classic()), GraphAnimator(classic())
    first.step = 7
    assert second.step == -1 and first.model_id != second.model_id


def test_repeated_blocks_open_as_one_run_and_expand_block_by_block():
    rng = np.random.default_rng(0)
    h = tg.Tensor(rng.normal(size=(2, 4)), name="x")
    for i in range(30):
        with tg.name_scope(f"layer{i}"):
            w = tg.Tensor(rng.normal(size=(4, 4)), requires_grad=True, name="w")
            h = (h @ w).tanh()
    anim = GraphAnimator(h.sum())
    assert anim.collapsed == ["layer0…layer29"] and "module level" in anim.message
    run = json.loads(anim.view)["nodes"]["v1"]
    assert run.startswith("r") and ">layer ×30<" in anim.svg
    assert len(anim.events) < 12                        # forward and backward through the run: few steps
    anim.collapsed = anim.runs["layer0…layer29"]        # what a click on the ×30 box sends
    assert json.loads(anim.view)["nodes"]["v1"] == "v1"     # each layer's own w is visible again
    assert anim.svg.count('class="node op group"') == 30
    anim.collapsed = anim.collapsed[1:]                 # expand layer0
    assert 'id="o2"' in anim.svg
    with pytest.raises(traitlets.TraitError, match=r"unknown scope\(s\) \['layer99'\]"):
        anim.collapsed = ["layer99"]


def test_model_opens_at_module_level_and_steps_module_by_module():
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 2))
    x, y = tg.tensor(tg.randn(4, 2), name="x"), tg.tensor([0, 1, 1, 0])
    loss = nn.CrossEntropyLoss()(model(x), y)
    anim = GraphAnimator(loss, model=model)
    assert anim.collapsed == ["Sequential/Linear0", "Sequential/Tanh1", "Sequential/Linear2",
                              "CrossEntropyLoss"]
    assert ">linear<" in anim.svg and ">0.weight<" in anim.svg and "permute" not in anim.svg
    texts = [e["text"] for e in anim.events]
    assert "Linear0 (linear): output = [4×8] mean" in " ".join(texts)
    back = next(t for t in texts if t.startswith("Linear0 (linear) hands the gradient back"))
    assert "∂loss/∂0.weight = [8×2] mean" in back and "∂loss/∂0.bias" in back
    anim.step = len(anim.events) - 1
    weight = next(n["id"] for n in anim.snapshot["nodes"] if n["name"] == "0.weight")
    before = anim.shown(weight)
    anim.collapsed = anim.collapsed[1:]                 # expand Linear0: the same moment, finer steps
    assert anim.shown(weight) == before and anim.step == len(anim.events) - 1
    assert "permute" in anim.svg and len(anim.events) > len(texts)
    anim.direction = "TB"
    assert json.loads(anim.view)["direction"] == "TB"
    with pytest.raises(traitlets.TraitError, match=r"GraphAnimator.direction: expected one of"):
        anim.direction = "up"


def test_large_graph_without_scopes_says_how_to_group_it():
    h = Value(0.5, label="x")
    for _ in range(60):
        h = h * 1.01
    anim = GraphAnimator(h, max_nodes=50)
    assert anim.collapsed == [] and "no name scopes" in anim.message


def test_tensor_graph_animates_with_shapes_and_summaries():
    a = tg.Tensor(np.ones((2, 3)), requires_grad=True, name="a")
    b = tg.Tensor(np.arange(3.0), requires_grad=True, name="b")
    anim = GraphAnimator((a * b).sum())
    anim.step = len(anim.events) - 1
    assert anim.shown("v1") == {"value": "[3] mean 1", "grad": "[3] mean 2"}
    assert "3 (broadcast)" in anim.svg


@pytest.mark.parametrize("bad, match", [(42, "got int 42"), (None, "got NoneType")])
def test_bad_root_and_options_get_clear_errors(bad, match):
    with pytest.raises(TypeError, match=f"GraphAnimator: expected a tinygrad_edu Value or Tensor .*{match}"):
        GraphAnimator(bad)
    with pytest.raises(ValueError, match="GraphAnimator: max_nodes must be a positive int, got 0"):
        GraphAnimator(classic(), max_nodes=0)


def test_nbconvert_without_widget_state_shows_the_static_svg():
    import base64

    import nbformat
    from nbconvert import HTMLExporter

    w = GraphAnimator(classic())
    w.step = 8
    data, _ = w._repr_mimebundle_()
    cell = nbformat.v4.new_code_cell("w", outputs=[nbformat.v4.new_output("execute_result", data=data,
                                                                           execution_count=1)])
    body, _ = HTMLExporter().from_notebook_node(nbformat.v4.new_notebook(cells=[cell]))
    encoded = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', body).group(1)
    svg = base64.b64decode(encoded).decode()
    assert '<g id="v0" class="node var leaf">' in svg and ">grad -4<" in svg


def test_browser_assets_are_found_and_a_missing_one_is_named():
    from tinygrad_edu.widgets.static_files import static_file

    assert static_file("graph_animator.js").read_text(encoding="utf-8").rstrip().endswith(
        "export default GraphAnimatorView;")
    with pytest.raises(FileNotFoundError, match=r"widget asset 'nope.js' not found in .*_static.*widgets"):
        static_file("nope.js")
