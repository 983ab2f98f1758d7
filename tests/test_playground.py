"""The Playground's Python API (what lessons call and the browser triggers): training lowers the loss,
reset and rewind return exactly, settings change the next step without a reset, the browser's messages,
and what travels to the browser (binary buffers, at most ~20 frames a second)."""
import asyncio

import numpy as np
import pytest
import traitlets
from ipywidgets.widgets.widget import _remove_buffers

import tinygrad_edu as tg
from tinygrad_edu import nn
from tinygrad_edu.widgets import GraphAnimator, Playground
from tinygrad_edu.widgets.playground_data import DATASETS


def weights(pg):
    return [p.numpy().copy() for p in pg.model.parameters()]


def same(a, b):
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


@pytest.mark.parametrize("dataset", list(DATASETS))
def test_steps_lower_the_loss_on_every_dataset(dataset):
    pg = Playground(dataset=dataset, features=["x1", "x2", "x1^2", "x2^2", "x1*x2"], hidden=(6, 4),
                    optimizer="adam", lr=0.03, seed=0)
    start = pg.history["loss"][0]
    assert pg.step(300) == 300
    history = pg.history
    assert history["loss"][-1] < 0.7 * start, (dataset, start, history["loss"][-1])
    assert history["test_loss"][-1] < history["test_loss"][0]
    assert list(history["step"]) == list(range(301)) and pg.steps == 300
    assert pg.epoch == pytest.approx(300 * 10 / 250)


def test_default_playground_is_the_tensorflow_playground_default():
    pg = Playground()
    assert pg.dataset == "circles" and pg.hidden == [4, 2] and pg.activation == "tanh" and pg.lr == 0.03
    layers = [type(m).__name__ for m in pg.model]
    assert layers == ["FeatureMap", "Linear", "Tanh", "Linear", "Tanh", "Linear"]
    assert len(pg.data.y) == 500 and int((~pg.data.is_test).sum()) == 250
    out = pg.model(tg.tensor([[0.5, -0.5]]))       # the live model takes raw points
    assert out.shape == (1, 1)


def test_reset_restores_the_same_initial_weights():
    pg = Playground(seed=3)
    initial = weights(pg)
    assert same(initial, weights(Playground(seed=3)))
    assert not same(initial, weights(Playground(seed=4)))
    pg.step(120)
    first_run = pg.history
    assert not same(initial, weights(pg))
    pg.reset()
    assert same(initial, weights(pg)) and pg.steps == 0 and len(pg.history["loss"]) == 1
    pg.step(120)                                   # the same batches in the same order: the same run
    assert same(list(first_run.values()), list(pg.history.values()))


def test_changing_the_network_starts_from_seeded_weights():
    pg = Playground(seed=1)
    pg.step(30)
    pg.hidden = [3]
    assert pg.steps == 0 and [p.shape for p in pg.model.parameters()] == [(3, 2), (3,), (1, 3), (1,)]
    assert same(weights(pg), weights(Playground(hidden=[3], seed=1)))
    pg.features = ["x1", "x2", "sin(x1)"]
    assert pg.model[1].weight.shape == (3, 3) and pg.scene["columns"][0]["labels"] == ["x1", "x2", "sin x1"]


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"])
def test_learning_rate_zero_freezes_the_weights(optimizer):
    pg = Playground(optimizer=optimizer, seed=0)
    pg.step(20)
    pg.lr = 0.0
    frozen = weights(pg)
    pg.step(10)
    assert same(frozen, weights(pg)) and pg.steps == 30
    assert list(pg.history["lr"][-10:]) == [0.0] * 10 and pg.history["lr"][20] == 0.03


def test_a_new_learning_rate_is_used_by_the_very_next_step():
    """Full-batch SGD: after `pg.lr = 0.5` one step moves every weight by exactly -0.5 * its gradient."""
    pg = Playground(batch_size=250, seed=0)
    pg.step(5)
    pg.lr = 0.5
    before = weights(pg)
    for p in pg.model.parameters():
        p.grad = None
    loss = pg._session.tensor_loss(pg._session.train_index)
    loss.backward()
    grads = [p.grad.numpy() for p in pg.model.parameters()]
    pg.step(1)
    for w0, g, w1 in zip(before, grads, weights(pg)):
        np.testing.assert_allclose(w1, w0 - 0.5 * g, rtol=1e-5, atol=1e-6)


def test_optimizer_and_regularization_change_without_a_reset():
    pg = Playground(seed=0)
    pg.step(50)
    kept = weights(pg)
    pg.optimizer = "adam"
    pg.regularization = "l2"
    pg.reg_rate = 0.01
    pg.batch_size = 25
    assert same(kept, weights(pg)) and pg.steps == 50
    assert type(pg._session.optimizer).__name__ == "Adam"
    pg.step(10)
    assert pg.steps == 60 and list(pg.history["step"]) == list(range(61))
    assert pg.epoch == pytest.approx((50 * 10 + 10 * 25) / 250)


def test_pause_and_resume_give_the_same_run_as_one_go():
    one = Playground(seed=5)
    one.step(100)
    parts = Playground(seed=5)
    parts.step(30)
    parts.play()
    parts.pause()
    parts.step(70)
    assert same(weights(one), weights(parts))
    assert same(list(one.history.values()), list(parts.history.values()))


def test_back_in_time_then_branching_replays_exactly():
    run = Playground(optimizer="momentum", seed=2)
    run.step(100)
    reference = run.history
    assert run.rewind(40) == 40 and run.steps == 40
    history = run.history
    assert all(np.array_equal(history[k], reference[k][:41]) for k in history)
    fresh = Playground(optimizer="momentum", seed=2)
    fresh.step(40)
    assert same(weights(fresh), weights(run))          # weights and momentum buffers came back
    run.step(60)
    assert same(list(reference.values()), list(run.history.values()))
    run.rewind(40)
    run.lr = 0.3                                       # a different branch from the same point
    run.step(60)
    assert run.steps == 100 and not np.array_equal(run.history["loss"], reference["loss"])
    assert np.array_equal(run.history["loss"][:41], reference["loss"][:41])


def test_checkpoints_thin_out_but_rewind_still_lands_on_one():
    pg = Playground(seed=0)
    pg.step(1500)
    points = pg.checkpoints
    assert len(points) <= 257 and points[0] == 0 and points == sorted(points)
    target = pg.rewind(1001)
    assert target in points and target <= 1001 and pg.steps == target
    assert len(pg.history["loss"]) == target + 1
    with pytest.raises(ValueError, match="step must be an int"):
        pg.rewind(-1)


def test_a_diverging_run_stops_and_says_so():
    pg = Playground(dataset="plane", activation="relu", lr=10.0, seed=0)
    done = pg.step(500)
    assert done < 500 and pg.steps == done
    assert "finite" in pg.message and not pg.playing
    assert pg.step(5) == 0                             # nothing more until the student goes back
    pg.rewind(0)
    pg.lr = 0.01
    assert pg.step(5) == 5 and pg.message == ""


def test_show_graph_animates_one_training_point():
    pg = Playground(regularization="l2", reg_rate=0.001)
    pg.step(10)
    animator = pg.show_graph(4)
    assert isinstance(animator, GraphAnimator) and pg.graph is animator
    assert "training point 4" in pg.graph_title and "step 10" in pg.graph_title
    names = {n.get("label") for n in animator.snapshot["nodes"]}
    assert {"point", "W1", "b1", "W3", "b3"} <= names
    assert any(e["phase"] == "backward" for e in animator.events)
    with pytest.raises(ValueError, match="index must be an int from 0 to 249"):
        pg.show_graph(250)


def test_browser_messages_drive_the_same_calls():
    pg = Playground(seed=0)
    pg._on_browser_message(pg, {"type": "step", "k": 25, "id": 7}, [])
    assert pg.steps == 25 and pg.frame["request"] == 7 and pg.frame["steps"] == 25
    assert pg.frame["elapsed"] > 0
    pg._on_browser_message(pg, {"type": "rewind", "step": 10}, [])
    assert pg.steps == 10
    pg._on_browser_message(pg, {"type": "graph", "index": 2}, [])
    assert pg.graph is not None
    pg._on_browser_message(pg, {"type": "close_graph"}, [])
    assert pg.graph is None
    pg._on_browser_message(pg, {"type": "reset"}, [])
    assert pg.steps == 0
    pg.set_state({"lr": 0.1, "hidden": [5, 3, 2]})     # what a browser's control change does
    assert pg.lr == 0.1 and [c["units"] for c in pg.scene["columns"]] == [2, 5, 3, 2, 1]


def test_frames_travel_as_binary_buffers():
    pg = Playground(hidden=(4, 2))
    frame = pg.frame
    sizes = {key: len(frame[key]) // 4 for key in ("output", "neurons", "weights", "curve")}
    assert sizes == {"output": 50 * 50, "neurons": (4 + 2 + 1) * 25 * 25,
                     "weights": 2 * 4 + 4 + 4 * 2 + 2 + 2 + 1, "curve": 3}
    _, paths, buffers = _remove_buffers(pg.get_state())
    binary = {tuple(p) for p in paths}
    assert {("frame", "output"), ("frame", "neurons"), ("scene", "points"), ("scene", "input_maps")} <= binary
    assert sum(len(b) for b in buffers) > 10_000


def test_python_driven_steps_send_at_most_about_twenty_frames_a_second():
    async def train():
        pg = Playground()
        steps_seen = []
        pg.observe(lambda change: steps_seen.append(change["new"]["steps"]), names="frame")
        for _ in range(60):
            pg.step(1)
        await asyncio.sleep(0.2)                       # the kernel goes idle: the last frame follows
        return steps_seen

    steps_seen = asyncio.run(train())
    assert steps_seen[-1] == 60 and len(steps_seen) < 10


def test_user_model_trains_in_place():
    tg.manual_seed(0)
    X, y = tg.data.make_moons(200, noise=0.1, seed=0)
    model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 2))
    first = model[0].weight
    before = first.numpy().copy()
    pg = Playground(model=model, data=(X, y), lr=0.05, optimizer="adam", seed=0)
    pg.step(200)
    assert pg.model is model and model[0].weight is first
    assert not np.array_equal(before, first.numpy())
    assert pg.history["loss"][-1] < 0.5 * pg.history["loss"][0]
    assert pg._session.fast is None                    # a user model goes through the Tensor engine
    assert [c["units"] for c in pg.scene["columns"]] == [2, 16, 2]
    pg.reset()
    np.testing.assert_array_equal(first.numpy(), before)


def test_a_model_that_is_not_drawable_still_trains():
    class Radial(nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = nn.Parameter(np.ones((1, 1), np.float32))
            self.bias = nn.Parameter(np.zeros(1, np.float32))

        def forward(self, x):
            return (x * x).sum(dim=1, keepdim=True) @ self.scale + self.bias

    X, y = tg.data.make_circles(200, noise=0.05, seed=1)
    pg = Playground(model=Radial(), data=(X, y), lr=0.1, seed=0)
    pg.step(150)
    assert pg.scene["columns"] == [] and pg.history["loss"][-1] < 0.8 * pg.history["loss"][0]
    assert pg.frame["weights"] == b"" and len(pg.frame["output"]) == 4 * 2500


def test_bad_arguments_are_named():
    X, y = tg.data.make_moons(50, seed=0)
    with pytest.raises(ValueError, match="unknown dataset 'swirl'"):
        Playground(dataset="swirl")
    with pytest.raises(ValueError, match="not both"):
        Playground(dataset="moons", data=(X, y))
    with pytest.raises(ValueError, match="describe your own data="):
        Playground(dataset="moons", task="regression")
    with pytest.raises(ValueError, match="with model= your model is trained as it is"):
        Playground(model=nn.Linear(2, 1), data=(X, y), hidden=(3,))
    with pytest.raises(ValueError, match="unknown optimizer 'adamw'"):
        Playground(optimizer="adamw")
    with pytest.raises(ValueError, match="hidden must list"):
        Playground(hidden=(4, 0))
    with pytest.raises(ValueError, match="unknown activation 'gelu'"):
        Playground(activation="gelu")
    with pytest.raises(ValueError, match="must output 1 logit or 2"):
        Playground(model=nn.Linear(2, 3), data=(X, y))
    with pytest.raises(ValueError, match=r"must take \(n, 2\) points"):
        Playground(model=nn.Linear(3, 1), data=(X, y))
    pg = Playground()
    for name, value, message in [("lr", -1.0, "finite number >= 0"), ("batch_size", 0, "int >= 1"),
                                 ("train_ratio", 0.0, r"\(0, 1\]"), ("regularization", "l3", "one of"),
                                 ("speed", "fast", "steps per second")]:
        with pytest.raises(traitlets.TraitError, match=message):
            setattr(pg, name, value)
    with pytest.raises(ValueError, match="k must be an int >= 1"):
        pg.step(0)
    user = Playground(model=nn.Linear(2, 1), data=(X, y))
    with pytest.raises(traitlets.TraitError, match="trains your model="):
        user.hidden = [3]


def test_static_picture_for_notebooks_without_widgets():
    pg = Playground(dataset="spiral")
    pg.step(5)
    data, _ = pg._repr_mimebundle_()
    svg = data["image/svg+xml"]
    assert svg.startswith("<svg") and "data:image/png;base64," in svg and "step 5" in svg
    assert svg.count("<circle") == 500
