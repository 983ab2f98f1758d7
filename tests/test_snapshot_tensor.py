"""Snapshots of Tensor graphs: gradients computed by re-running each op's backward on arrays (checked
against backward() and PyTorch), shapes on edges, broadcasting, scopes, and summaries of big arrays."""
import base64
import json

import numpy as np
import torch

import tinygrad_edu as tg
from tinygrad_edu.viz import snapshot, to_dot


def final_grads(snap) -> dict:
    grads = {}
    for event in snap["events"]:
        if event["phase"] == "backward":
            grads[event["node"]] = event["grad"]
    return grads


def make(requires_grad=True):
    rng = np.random.default_rng(0)
    a = tg.Tensor(rng.normal(size=(2, 3)), requires_grad=requires_grad, name="a")
    b = tg.Tensor(rng.normal(size=(3,)), requires_grad=requires_grad, name="b")
    with tg.name_scope("layer1"):
        h = (a * b).tanh()
    loss = (h @ b).sum()
    loss.name = "loss"
    return a, b, loss


def test_event_gradients_match_backward_and_pytorch_without_touching_grads():
    a, b, loss = make()
    snap = snapshot(loss)
    assert a.grad is None and b.grad is None            # the snapshot never mutates the user's graph
    grads = final_grads(snap)
    loss.backward()
    ta = torch.tensor(a.array, requires_grad=True)
    tb = torch.tensor(b.array, requires_grad=True)
    ((ta * tb).tanh() @ tb).sum().backward()
    np.testing.assert_allclose(grads["v0"]["data"], a.grad.array, rtol=1e-12)
    np.testing.assert_allclose(grads["v1"]["data"], tb.grad.numpy(), rtol=1e-12)
    assert final_grads(snapshot(loss)) == grads             # after backward: same events, same ids


def test_edges_carry_shapes_and_broadcasting_is_marked():
    _, _, loss = make()
    snap = snapshot(loss)
    edges = {e["id"]: e for e in snap["edges"]}
    assert edges["e2_0"]["shape"] == [2, 3] and edges["e2_1"]["shape"] == [3]
    assert edges["e2_1"]["broadcast"] == {"from": [2, 3], "to": [3]}
    assert edges["e2_0"]["broadcast"] is None
    matmul_edges = [e for e in snap["edges"] if e["target"].startswith("o") and e["kind"] == "input"
                    and {n["id"]: n for n in snap["nodes"]}[e["target"]]["op"] == "matmul"]
    assert matmul_edges and all(e["broadcast"] is None for e in matmul_edges)
    to_b = [e for e in snap["events"] if e.get("edge") == "e2_1"]
    assert "summed over the broadcast axes back to [3]" in to_b[0]["text"]
    source, _ = to_dot(snap)
    assert '"3 (broadcast)"' in source and "label=\"2×3\"" in source


def test_scopes_and_tensor_facts_are_recorded():
    _, _, loss = make()
    snap = snapshot(loss)
    nodes = {n["id"]: n for n in snap["nodes"]}
    assert nodes["o2"]["op"] == "mul" and nodes["o2"]["scope"] == "layer1"
    assert nodes["v0"]["dtype"] == "float64"
    assert nodes["v0"]["scope"] == "layer1"        # a trainable leaf used only in layer1 is drawn there
    assert nodes["v1"]["scope"] == ""              # b is also used outside it
    assert nodes["v0"]["value"]["data"] == np.asarray(nodes["v0"]["value"]["data"]).tolist()
    assert nodes["v0"]["grad"] is None
    source, view = to_dot(snap, collapsed=["layer1"])
    assert view["nodes"]["o2"] == "s0" and view["edges"]["e2_out"] is None
    assert view["groups"]["s0"]["label"] == "layer" and "cluster_s0_frame" in source
    assert view["nodes"]["v0"] == "v0"                 # the trainable leaf a stays visible in its frame
    json.dumps(snap, allow_nan=False)


def test_large_arrays_are_summarized_with_a_heatmap():
    w = tg.Tensor(np.arange(40 * 30, dtype=np.float32).reshape(40, 30), requires_grad=True, name="w")
    value = snapshot(w.sum())["nodes"][0]["value"]
    assert "data" not in value and value["shape"] == [40, 30] and value["dtype"] == "float32"
    assert (value["min"], value["max"], value["mean"]) == (0.0, 1199.0, 599.5)
    picture = value["heatmap"]
    assert (picture["rows"], picture["cols"], picture["scale"]) == (16, 16, 1199.0)
    cells = np.frombuffer(base64.b64decode(picture["cells"]), dtype=np.int8).reshape(16, 16)
    assert cells[0, 0] == 0 and cells[-1, -1] == 127 and (np.diff(cells.ravel()) >= 0).all()


def test_inputs_without_requires_grad_get_no_gradient_events():
    x = tg.Tensor([1.0, 2.0], name="x")
    w = tg.Tensor([3.0, 4.0], requires_grad=True, name="w")
    snap = snapshot((x * w).sum())
    receivers = {e["node"] for e in snap["events"] if e["phase"] == "backward"}
    names = {n["id"]: n.get("name") for n in snap["nodes"]}
    assert "w" in {names[r] for r in receivers} and "x" not in {names[r] for r in receivers}


def test_non_finite_attrs_reach_the_browser_as_strict_json():
    """softplus with threshold=inf (what binary_cross_entropy_with_logits uses) must not break the sync."""
    x = tg.tensor([0.5, -1.0], requires_grad=True)
    shot = tg.snapshot(x.softplus(threshold=float("inf")).sum())
    json.dumps(shot, allow_nan=False)
    (op,) = [n for n in shot["nodes"] if n.get("op") == "softplus"]
    assert op["attrs"]["threshold"] == "inf"
