"""The snapshot of scalar graphs: nodes, edges and the forward/backward events a student watches."""
import json
import math

import pytest

from tinygrad_edu import Value
from tinygrad_edu.viz import NOT_COMPUTED, snapshot


def classic():
    """F = (x + y)·z at x = -2, y = 5, z = -4, as in the classic backprop explanation."""
    x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    a = x + y
    a.label = "a"
    f = a * z
    f.label = "f"
    return f


def by_id(snap):
    return {n["id"]: n for n in snap["nodes"]}


def test_forward_events_inputs_first_then_ops_in_topological_order():
    snap = snapshot(classic())
    names = by_id(snap)
    forward = [e for e in snap["events"] if e["phase"] == "forward"]
    assert [names[e["node"]]["name"] for e in forward] == ["x", "y", "z", "a", "f"]
    assert [e["value"] for e in forward] == [-2.0, 5.0, -4.0, 3.0, -12.0]
    assert forward[3]["text"] == "a = x + y = 3"
    assert forward[4]["text"] == "f = a·z = -12"
    assert forward[3]["op_node"] == "o" + forward[3]["node"][1:]


def test_backward_events_carry_upstream_local_product_and_sum():
    snap = snapshot(classic())
    names = by_id(snap)
    backward = [e for e in snap["events"] if e["phase"] == "backward"]
    assert backward[0]["text"] == "∂f/∂f = 1" and backward[0]["grad"] == 1.0
    got = [(names[e["node"]]["name"], e["upstream"], e["local"], e["local_text"], e["product"], e["grad"])
           for e in backward[1:]]
    assert got == [("a", 1.0, -4.0, "z", -4.0, -4.0), ("z", 1.0, 3.0, "a", 3.0, 3.0),
                   ("x", -4.0, 1.0, "1", -4.0, -4.0), ("y", -4.0, 1.0, "1", -4.0, -4.0)]
    assert backward[3]["text"] == "∂f/∂x = ∂f/∂a · ∂(x + y)/∂x = (-4) · 1 = -4"
    assert backward[1]["text"] == "∂f/∂a = ∂f/∂f · ∂(a·z)/∂a = 1 · z = 1 · (-4) = -4"
    assert backward[2]["text"] == "∂f/∂z = ∂f/∂f · ∂(a·z)/∂z = 1 · a = 1 · 3 = 3"
    assert [e["step"] for e in snap["events"]] == list(range(len(snap["events"])))


def test_nodes_and_edges_have_stable_ids_kinds_and_local_derivatives():
    first, second = snapshot(classic()), snapshot(classic())
    assert first == second
    kinds = {n["id"]: n["kind"] for n in first["nodes"]}
    assert sorted(k for k, v in kinds.items() if v == "op") == ["o2", "o4"]
    edges = {e["id"]: e for e in first["edges"]}
    assert set(edges) == {"e2_0", "e2_1", "e2_out", "e4_0", "e4_1", "e4_out"}
    assert (edges["e4_1"]["source"], edges["e4_1"]["target"], edges["e4_1"]["local"]) == ("v3", "o4", 3.0)
    assert first["root"] == "v4"
    json.dumps(first, allow_nan=False)


def test_grad_is_not_computed_before_backward_and_stored_after():
    f = classic()
    assert all(n["grad"] is None for n in snapshot(f)["nodes"] if n["kind"] == "var")
    f.backward()
    grads = {n["name"]: n["grad"] for n in snapshot(f)["nodes"] if n["kind"] == "var"}
    assert grads == {"x": -4.0, "y": -4.0, "z": 3.0, "a": -4.0, "f": 1.0}
    assert NOT_COMPUTED == "not computed yet"


def test_reused_value_accumulates_its_gradient_as_a_visible_sum():
    x = Value(3.0, label="x")
    f = x * x + x                     # ∂f/∂x = 2x + 1 = 7, from three uses
    f.label = "f"
    snap = snapshot(f)
    to_x = [e for e in snap["events"] if e["phase"] == "backward" and e.get("node") == "v0"]
    assert [e["use"] for e in to_x] == [1, 2, 3] and all(e["uses"] == 3 for e in to_x)
    assert [e["grad"] for e in to_x] == [1.0, 4.0, 7.0]
    assert "+=" in to_x[1]["text"] and "so far = 7" in to_x[2]["text"]
    f.backward()
    assert x.grad == to_x[-1]["grad"]


def test_snapshot_gradients_match_backward_on_a_mixed_graph():
    a, b = Value(0.7, label="a"), Value(-1.3, label="b")
    out = ((a * b).tanh() + a.exp() / (b * b) - a.sigmoid() ** 2 + (a + 2).log()).relu() + b.sin() * a.cos()
    events = snapshot(out)["events"]
    final = {}
    for e in events:
        if e["phase"] == "backward":
            final[e["node"]] = e["grad"]
    out.backward()
    assert math.isclose(final["v0"], a.grad, rel_tol=1e-12)
    assert math.isclose(final["v1"], b.grad, rel_tol=1e-12)


def test_deep_chain_snapshot_needs_no_recursion():
    x = Value(1.0, label="x")
    h = x
    for _ in range(5000):
        h = h * 1.0001
    snap = snapshot(h)
    to_x = [e for e in snap["events"] if e["phase"] == "backward" and e["node"] == "v0"]
    assert math.isclose(to_x[-1]["grad"], 1.0001 ** 5000, rel_tol=1e-9)


def test_constants_are_named_by_their_value():
    x = Value(2.0, label="x")
    snap = snapshot(x * 3)
    texts = [e["text"] for e in snap["events"] if e["phase"] == "forward"]
    assert texts == ["x = 2", "3 = 3", "a = x·3 = 6"]       # an unnamed result gets a letter, never an id


def test_non_finite_values_stay_json_safe():
    snap = snapshot(Value(float("inf"), label="big") * 0.0)
    assert snap["nodes"][0]["value"] == "inf"
    json.dumps(snap, allow_nan=False)


@pytest.mark.parametrize("bad", [42, "x", None, [Value(1.0)]])
def test_snapshot_rejects_what_is_not_a_graph(bad):
    with pytest.raises(TypeError, match=r"snapshot: expected a tinygrad_edu Value or Tensor .* got"):
        snapshot(bad)
