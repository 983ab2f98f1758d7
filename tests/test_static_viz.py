"""draw(g) and GraphAnimator(g) accept a static Graph: forward steps show the values of the example
inputs, backward steps hand back the same gradients as dynamic mode, and a graph without example
values is drawn as "not computed yet"."""
import numpy as np
from static_models import mlp

import tinygrad_edu as tg
from tinygrad_edu.viz import snapshot
from tinygrad_edu.widgets import GraphAnimator


def final_grads(snap) -> dict:
    names = {n["id"]: n["name"] for n in snap["nodes"] if n["kind"] == "var"}
    grads = {}
    for event in snap["events"]:
        if event["phase"] == "backward" and "edge" in event:
            grads[names[event["node"]]] = event["grad"]
    return grads


def test_backward_steps_equal_dynamic_gradients():
    model, x = mlp()
    static = final_grads(snapshot(tg.trace(lambda x: model(x).tanh().sum(), x)))
    model(x).tanh().sum().backward()
    for name, p in model.named_parameters():
        np.testing.assert_allclose(np.reshape(static[name]["data"], p.shape), p.grad.numpy(), rtol=1e-5,
                                   atol=1e-7, err_msg=name)


def test_draw_and_animate_a_graph():
    model, x = mlp()
    g = tg.trace(lambda x: model(x).sum(), x)
    drawing = tg.draw(g)
    assert repr(drawing).startswith("<Drawing of a static graph") and "<svg" in drawing.svg
    assert "matmul" in drawing.svg and "0.weight" in drawing.svg
    w = GraphAnimator(g)
    phases = [e["phase"] for e in w.events]
    assert phases.count("forward") == len(g.nodes) + 1 + 4 and "backward" in phases


def test_a_graph_with_several_results_gathers_them():
    model, x = mlp()
    gg = tg.trace(lambda x: model(x).sum(), x).grad(["0.bias"])
    snap = snapshot(gg)
    root = next(n for n in snap["nodes"] if n["id"] == snap["root"])
    assert root["name"] == "results"
    assert any(n.get("name") == "0.bias.grad" for n in snap["nodes"])


def test_without_example_values_nothing_is_computed_yet(tmp_path):
    model, x = mlp()
    tg.trace(model, x).save(tmp_path / "g.tgraph")
    loaded = tg.load_graph(tmp_path / "g.tgraph")
    snap = snapshot(loaded)
    assert all(n["value"] is None for n in snap["nodes"] if n["kind"] == "var")
    assert not [e for e in snap["events"] if e["phase"] == "backward" and "edge" in e]
    with_values = snapshot(loaded.with_inputs(x))
    assert final_grads(with_values)
