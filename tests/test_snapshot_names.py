"""Names a student recognises and gradients after backward(): parameters by module path, no internal id
in any text a person reads, every node's gradient once backward() has run."""
import re

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import Value, draw, nn
from tinygrad_edu.viz import NO_GRAD, NOT_COMPUTED, snapshot

INTERNAL_ID = re.compile(r"\b[voe]\d+(_\d+|_out)?\b")


def model_graph():
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 2))
    x, y = tg.tensor(tg.randn(4, 2), name="x"), tg.tensor([0, 1, 1, 0])
    return model, nn.CrossEntropyLoss()(model(x), y)


def readable_texts(snap) -> list:
    texts = [e["text"] for e in snap["events"]]
    for n in snap["nodes"]:
        texts += [n["name"], n["label"] or "", n.get("grad_text", ""), n.get("value_text", "")]
        texts += n.get("input_names", []) + [n.get("output_name", "")]
    return texts


def test_model_parameters_are_named_by_module_path_and_no_text_shows_an_id():
    model, loss = model_graph()
    snap = snapshot(loss, model=model)
    names = {n["name"] for n in snap["nodes"] if n["kind"] == "var"}
    assert {"0.weight", "0.bias", "2.weight", "2.bias", "x", "loss"} <= names
    assert "Linear0 · matmul" in names and "Tanh1 · tanh" in names
    leaked = [t for t in readable_texts(snap) if INTERNAL_ID.search(t)]
    assert leaked == []
    weight = next(n for n in snap["nodes"] if n["name"] == "0.weight")
    assert weight["scope"] == "Sequential/Linear0"          # drawn inside its own module's frame


def test_after_backward_every_intermediate_shows_the_gradient_backward_computed():
    model, loss = model_graph()
    before = snapshot(loss, model=model)
    assert {n["grad_text"] for n in before["nodes"] if n["kind"] == "var" and n["name"] != "x"
            and "const" not in n["name"]} == {NOT_COMPUTED}
    loss.backward()
    snap = snapshot(loss, model=model)
    variables = {n["name"]: n for n in snap["nodes"] if n["kind"] == "var"}
    assert variables["x"]["grad_text"] == NO_GRAD
    flowing = [n for n in variables.values() if n["name"] != "x" and "const" not in n["name"]]
    assert flowing and all(n["grad"] is not None and n["grad_text"] != NOT_COMPUTED for n in flowing)
    w = model[0].weight
    np.testing.assert_allclose(variables["0.weight"]["grad"]["data"], w.grad.array.tolist())
    assert model[0].weight.grad is w.grad and loss.grad is None      # nothing retained by the snapshot
    svg = draw(loss, model=model, engine="wasm").svg
    assert "not computed yet" not in svg and ">grad no gradient (requires_grad=False)<" in svg


def test_intermediate_gradient_after_backward_matches_retain_grad():
    a = tg.tensor([1.0, -2.0, 3.0], requires_grad=True, name="a")
    h = (a * a).tanh()
    h.name = "h"
    out = (h * 3.0).sum()
    twin_h = (a * a).tanh()
    twin_h.retain_grad()
    (twin_h * 3.0).sum().backward()
    out.backward()
    shown = {n["name"]: n for n in snapshot(out)["nodes"] if n["kind"] == "var"}
    np.testing.assert_allclose(shown["h"]["grad"]["data"], twin_h.grad.array, rtol=1e-12)


def test_model_argument_is_checked():
    _, loss = model_graph()
    with pytest.raises(TypeError, match=r"model= expects an nn.Module or a dict .* got list"):
        snapshot(loss, model=[1])
    with pytest.raises(TypeError, match=r"model= entry 'w' is a int, not a Tensor"):
        snapshot(loss, model={"w": 3})


def test_scalar_captions_name_the_ops_own_local_derivative():
    x = Value(2.0, label="x")
    y = (x * -3.0).tanh()
    events = [e["text"] for e in snapshot(y)["events"]]
    assert events[2] == "a = x·(-3) = -6"
    to_x = next(t for t in events if t.startswith("∂b/∂x"))
    assert to_x.startswith("∂b/∂x = ∂b/∂a · ∂(x·(-3))/∂x = ") and " · (-3) = " in to_x
