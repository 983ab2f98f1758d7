"""Playground: train a small network on 2-D points in JupyterLab and watch it learn, in the spirit of the
TensorFlow Playground, on this framework's own `nn` and `optim`.

The kernel never blocks: while playing, the browser asks for k steps at a time (`{"type": "step"}`
messages), draws the frame that comes back and asks again; pause simply stops asking, so a cell run in
the meantime waits at most one request. Every button has a Python call (`step`, `reset`, `rewind`,
`show_graph`) and every control a trait (`lr`, `optimizer`, ...), which lessons and tests use.
"""
import asyncio
import dataclasses
import math
import time

import anywidget
import numpy as np
import traitlets
from ipywidgets import widget_serialization

from . import optimizer_zoo
from . import playground_frames as frames
from .graph_animator import GraphAnimator
from .playground_data import DATASETS, built_in, from_user, split
from .playground_model import build_mlp, check_activation, check_features, check_hidden
from .playground_session import TrainingSession, check_regularization
from .static_files import module_source
from .traits import InvalidSetting, checked

FRAME_INTERVAL = 0.05        # s: Python-driven steps refresh the browser at most ~20 times a second
MAX_REQUEST = 20_000         # the most steps one browser request may ask for
STRUCTURE = ("features", "hidden", "activation")
DATA = ("dataset", "noise", "train_ratio")
SPEEDS = ("max", "1000", "100", "10", "1")


def _rate(name, low=0.0):
    def check(self, value):
        if not isinstance(value, (int, float)) or not math.isfinite(value) or value < low:
            raise ValueError(f"Playground.{name}: expected a finite number >= {low}, got {value!r}")
        return float(value)
    return check


class Playground(anywidget.AnyWidget):
    """Train a network on 2-D points and watch the decision boundary, every neuron and the loss move.

    Playground(dataset="circles", hidden=(4, 2), activation="tanh", lr=0.03, optimizer="sgd", seed=0)
    trains the Playground's own network (input features, then Linear + activation layers);
    Playground(model=m, data=(X, y), seed=0) trains any `nn` model taking (n, 2) points and giving logits
    (or one value, for regression), in place. `data=` also takes a pandas DataFrame or a CSV path, with
    `columns=(a, b)` and `label=c` naming the columns when there are more than three.
    """

    _esm = module_source("plot_kit.js", "playground_formulas.js", "playground.js")
    _css = module_source("plot_kit.css", "playground.css")

    dataset = traitlets.Unicode().tag(sync=True)
    noise = traitlets.Float(0.0).tag(sync=True)
    train_ratio = traitlets.Float(0.5).tag(sync=True)
    features = traitlets.List(traitlets.Unicode()).tag(sync=True)
    hidden = traitlets.List(traitlets.Int()).tag(sync=True)
    activation = traitlets.Unicode().tag(sync=True)
    lr = traitlets.Float(0.03).tag(sync=True)
    optimizer = traitlets.Unicode("sgd").tag(sync=True)
    regularization = traitlets.Unicode("none").tag(sync=True)
    reg_rate = traitlets.Float(0.0).tag(sync=True)
    batch_size = traitlets.Int(10).tag(sync=True)
    playing = traitlets.Bool(False).tag(sync=True)
    speed = traitlets.Unicode("max").tag(sync=True)
    custom = traitlets.Dict().tag(sync=True)          # what the user brought: {"model": bool, "data": bool}
    scene = traitlets.Dict().tag(sync=True)
    frame = traitlets.Dict().tag(sync=True)
    message = traitlets.Unicode("").tag(sync=True)
    graph = traitlets.Instance(GraphAnimator, allow_none=True).tag(sync=True, **widget_serialization)
    graph_title = traitlets.Unicode("").tag(sync=True)

    def __init__(self, dataset=None, *, data=None, model=None, features=None, hidden=None, activation=None,
                 lr=0.03, optimizer="sgd", regularization="none", reg_rate=0.0, batch_size=10, noise=None,
                 train_ratio=0.5, n_samples=500, seed=0, task="auto", columns=None, label=None):
        if data is not None and dataset is not None:
            raise ValueError("Playground: give dataset= (a built-in set) or data= (your points), not both")
        if data is None and (task != "auto" or columns is not None or label is not None):
            raise ValueError("Playground: task=, columns= and label= describe your own data=; the built-in "
                             "datasets know their own")
        if model is not None and any(v is not None for v in (features, hidden, activation)):
            raise ValueError("Playground: features=, hidden= and activation= shape the Playground's own "
                             "network; with model= your model is trained as it is")
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise TypeError(f"Playground: seed must be an int, got {seed!r}")
        self._ready, self._seed, self._n_samples = False, int(seed), n_samples
        self._user_model = model
        self._user_state = (None if model is None else
                            {k: v.numpy().copy() for k, v in model.state_dict().items()})
        self._last_frame, self._flush_pending = 0.0, False
        if data is not None:
            self._data = from_user(data, train_ratio, self._seed, features=columns, label=label, task=task)
            dataset, noise = "custom", 0.0
        else:
            dataset = "circles" if dataset is None else dataset
            self._data = built_in(dataset, n_samples, noise, train_ratio, self._seed)
            noise = DATASETS[dataset][1] if noise is None else noise
        own = model is None
        super().__init__(dataset=dataset, noise=float(noise), train_ratio=float(train_ratio),
                         features=check_features(features or ["x1", "x2"]) if own else [],
                         hidden=check_hidden((4, 2) if hidden is None else hidden) if own else [],
                         activation=check_activation(activation or "tanh") if own else "",
                         lr=lr, optimizer=optimizer, regularization=regularization, reg_rate=reg_rate,
                         batch_size=batch_size, custom={"model": not own, "data": data is not None})
        self._new_session()
        self._ready = True
        self.on_msg(self._on_browser_message)
        self._publish(force=True)

    # ---- validation --------------------------------------------------------------------------
    _check_lr = traitlets.validate("lr")(checked(_rate("lr")))
    _check_reg_rate = traitlets.validate("reg_rate")(checked(_rate("reg_rate")))
    _check_optimizer = traitlets.validate("optimizer")(
        checked(lambda self, v: optimizer_zoo.check_name(v, "Playground.optimizer")))
    _check_regularization = traitlets.validate("regularization")(
        checked(lambda self, v: check_regularization(v)))
    _check_features = traitlets.validate("features")(checked(lambda self, v: self._own(check_features, v)))
    _check_hidden = traitlets.validate("hidden")(checked(lambda self, v: self._own(check_hidden, v)))
    _check_activation = traitlets.validate("activation")(
        checked(lambda self, v: self._own(check_activation, v)))

    @traitlets.validate("batch_size")
    def _check_batch_size(self, proposal):
        value = proposal["value"]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InvalidSetting(f"Playground.batch_size: expected an int >= 1, got {value!r}")
        return value

    @traitlets.validate("dataset")
    def _check_dataset(self, proposal):
        value = proposal["value"]
        custom = self.custom.get("data", False) if self._ready else value == "custom"
        if custom and value != "custom":
            raise InvalidSetting("Playground.dataset: this Playground trains on your data= points; "
                                 "make a new Playground(dataset=...) for a built-in set")
        if not custom and value not in DATASETS:
            raise InvalidSetting(f"Playground.dataset: unknown dataset {value!r}; "
                                 f"expected one of {list(DATASETS)}")
        return value

    @traitlets.validate("train_ratio", "noise")
    def _check_fraction(self, proposal):
        name, value = proposal["trait"].name, proposal["value"]
        high = 1.0 if name == "train_ratio" else 5.0
        low_ok = 0 < value if name == "train_ratio" else 0 <= value
        if not math.isfinite(value) or not (low_ok and value <= high):
            raise InvalidSetting(f"Playground.{name}: expected a number in "
                                 f"{'(0, 1]' if name == 'train_ratio' else '[0, 5]'}, got {value!r}")
        return value

    def _own(self, check, value):
        """Structure traits belong to the Playground's own network; a model= model is trained as it is."""
        if self._user_model is None:
            return check(value)
        if self._ready:
            raise ValueError("Playground: this Playground trains your model=; its layers are yours to change "
                             "(make a new Playground with the new model)")
        return value

    @traitlets.validate("speed")
    def _check_speed(self, proposal):
        if proposal["value"] not in SPEEDS:
            raise InvalidSetting(f"Playground.speed: expected one of {SPEEDS} (steps per second), "
                                 f"got {proposal['value']!r}")
        return proposal["value"]

    # ---- reacting to the controls --------------------------------------------------------------
    @traitlets.observe("lr", "optimizer", "regularization", "reg_rate", "batch_size")
    def _hyper_changed(self, change):
        """These change the next step, never the weights: training goes on from where it is."""
        if not self._ready:
            return
        s = self._session
        name, value = change["name"], change["new"]
        if name == "lr":
            s.set_lr(value)
        elif name == "optimizer":
            s.set_optimizer(value)
        else:
            setattr(s, name, value)
        self._publish()

    @traitlets.observe(*STRUCTURE, *DATA)
    def _structure_changed(self, change):
        """A new network or new data: training starts again from the seeded initial weights."""
        if not self._ready:
            return
        if change["name"] == "dataset":             # each set starts at its own noise level
            self._ready = False
            self.noise = float(DATASETS[self.dataset][1])
            self._ready = True
        if change["name"] in DATA:
            self._data = self._make_data()
        self.message = ""
        self._new_session()
        self._publish(force=True)

    def _make_data(self):
        if self.custom.get("data"):           # the student's own points, split anew
            is_test = split(len(self._data.y), self.train_ratio, self._seed)
            return dataclasses.replace(self._data, is_test=is_test)
        return built_in(self.dataset, self._n_samples, self.noise, self.train_ratio, self._seed)

    def _new_session(self) -> None:
        data = self._data
        if self._user_model is None:
            outputs = 1 if data.task == "regression" or len(data.classes) == 2 else len(data.classes)
            model = build_mlp(self.features, self.hidden, self.activation, outputs, self._seed)
        else:
            model = self._user_model
            model.load_state_dict(self._user_state)
        self._session = TrainingSession(
            data, model, optimizer=self.optimizer, lr=self.lr, regularization=self.regularization,
            reg_rate=self.reg_rate, batch_size=self.batch_size, seed=self._seed,
            fast=self._user_model is None)
        self._grid = frames.grid_points(data.bounds)
        self.scene = frames.scene(self._session, features_shown=self._user_model is None)

    # ---- the Python API ------------------------------------------------------------------------
    def step(self, k: int = 1) -> int:
        """Run k training steps (the call the browser makes while playing); returns how many ran (fewer
        if the loss stopped being finite)."""
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
            raise ValueError(f"Playground.step: k must be an int >= 1, got {k!r}")
        done = self._session.step(int(k))
        self._note_divergence()
        self._publish()
        return done

    def reset(self) -> None:
        """Back to the initial weights (the seeded ones every time, or a model='s own as it was given),
        step 0, an empty history."""
        self._session.rewind(0)
        self.message = ""
        self._publish(force=True)

    def rewind(self, step: int) -> int:
        """Go back in time to the latest checkpoint at or before `step`; training continues from there
        (what followed is forgotten) with the current settings. Returns the step returned to."""
        if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or step < 0:
            raise ValueError(f"Playground.rewind: step must be an int >= 0, got {step!r}")
        back = self._session.rewind(int(step))
        self.message = ""
        self._publish(force=True)
        return back

    def play(self) -> None:
        """Ask the browser to train until paused (nothing happens where no view is shown)."""
        self.playing = True

    def pause(self) -> None:
        self.playing = False

    def show_graph(self, index: int = 0) -> GraphAnimator:
        """A GraphAnimator of the training loss on one training point (forward and backward), shown
        under the Playground; returned too."""
        train = self._session.train_index
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not 0 <= index < len(train):
            raise ValueError(f"Playground.show_graph: index must be an int from 0 to {len(train) - 1} "
                             f"(a training point), got {index!r}")
        point = int(train[index])
        x, y = self._data.X[point], self._data.y[point]
        target = self._data.classes[int(y)] if self._data.task == "classification" else f"{float(y):.3g}"
        self.graph_title = (f"The loss on training point {index} at ({x[0]:.3g}, {x[1]:.3g}), "
                            f"label {target}, step {self.steps}")
        unnamed = [(p, name) for name, p in self.model.named_parameters() if not p.name]
        for p, name in unnamed:               # a model= model's parameters get their dotted names
            p.name = name
        try:
            self.graph = GraphAnimator(self._session.tensor_loss(np.array([point]), drawable=True))
        finally:
            for p, _ in unnamed:
                p.name = None
        return self.graph

    @property
    def model(self):
        """The live model: training updates its parameters in place."""
        return self._session.model

    @property
    def history(self) -> dict:
        """Per step (from step 0): "step", "epoch", "loss" (train), "test_loss", "lr", as NumPy arrays."""
        return self._session.history.as_dict()

    @property
    def steps(self) -> int:
        return self._session.steps

    @property
    def epoch(self) -> float:
        return self._session.epoch

    @property
    def checkpoints(self) -> list:
        """The steps `rewind` can return to exactly."""
        return self._session.checkpoint_steps

    @property
    def data(self):
        """The points, labels and train/test split in use (a PlaygroundData)."""
        return self._data

    def _note_divergence(self) -> None:
        at = self._session.diverged_at
        if at is not None:
            self.playing = False
            self.message = (f"The loss stopped being a finite number at step {at} (learning rate {self.lr:g} "
                            "may be too large): go back in time or reset.")

    # ---- the browser ---------------------------------------------------------------------------
    def _on_browser_message(self, _widget, content, _buffers) -> None:
        kind = content.get("type")
        if kind == "step":
            start = time.perf_counter()
            self._session.step(max(1, min(int(content.get("k", 1)), MAX_REQUEST)))
            self._note_divergence()
            self._publish(request=content.get("id"), elapsed=time.perf_counter() - start, force=True)
        elif kind == "reset":
            self.reset()
        elif kind == "rewind":
            self.rewind(int(content["step"]))
        elif kind == "graph":
            self.show_graph(int(content.get("index", 0)))
        elif kind == "close_graph":
            self.graph, self.graph_title = None, ""

    def _publish(self, request=None, elapsed: float = 0.0, force: bool = False) -> None:
        """Send the current frame, at most every FRAME_INTERVAL unless a browser request waits on it; a
        skipped frame is sent when the kernel is next idle."""
        now = time.monotonic()
        if not force and now - self._last_frame < FRAME_INTERVAL:
            self._publish_later()
            return
        self._last_frame = now
        self.frame = frames.frame(self._session, self._grid, request, elapsed)

    def _publish_later(self) -> None:
        if self._flush_pending:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:             # no event loop (a plain script): no browser is waiting either
            return
        self._flush_pending = True

        def flush():
            self._flush_pending = False
            self._publish(force=True)
        loop.call_later(FRAME_INTERVAL, flush)

    def static_svg(self) -> str:
        """The output heatmap with the points and the losses, as an SVG picture."""
        return frames.static_svg(self._session, self._grid)

    def _repr_mimebundle_(self, **kwargs):
        data, metadata = super()._repr_mimebundle_(**kwargs)
        return {**data, "image/svg+xml": self.static_svg()}, metadata
