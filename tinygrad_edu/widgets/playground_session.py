"""One training run of the Playground, with no widget in it: the model, its optimizer, the order batches
are drawn in, the per-step history and the checkpoints that "back in time" returns to.

Everything that decides the next step (weights, optimizer state, the batch sampler's generator) is in a
checkpoint, so going back to step t and training on replays exactly the steps that followed t, unless
the student changes something on the way: that is what branching from the past means.
"""
import math

import numpy as np

from .. import nn
from ..tensor import Tensor, no_grad
from . import optimizer_zoo
from .playground_fast import FastMLP, per_sample_loss
from .playground_model import layers_of

REGULARIZATIONS = ("none", "l1", "l2")
MAX_CHECKPOINTS = 256       # when full, every other one is dropped and the spacing doubles


class BatchSampler:
    """Shuffled passes over the training points, batch by batch; a pass ends when a batch no longer fits."""

    def __init__(self, n: int, seed: int):
        self.n, self.rng = n, np.random.default_rng(seed)
        self.order, self.pos = self.rng.permutation(n), 0

    def next(self, batch_size: int) -> np.ndarray:
        size = min(batch_size, self.n)
        if self.pos + size > self.n:
            self.order, self.pos = self.rng.permutation(self.n), 0
        self.pos += size
        return self.order[self.pos - size:self.pos]

    def state(self):
        return self.rng.bit_generator.state, self.order.copy(), self.pos

    def restore(self, state) -> None:
        self.rng.bit_generator.state, order, self.pos = state
        self.order = order.copy()


class History:
    """Per-step records in growing NumPy arrays (cheap to append ten thousand times a second, and to
    sample for the loss curve)."""

    FIELDS = {"step": np.int64, "epoch": np.float64, "loss": np.float64, "test_loss": np.float64,
              "lr": np.float64}

    def __init__(self):
        self.size = 0
        self.columns = {k: np.empty(1024, dtype) for k, dtype in self.FIELDS.items()}

    def append(self, **values) -> None:
        if self.size == len(self.columns["step"]):
            self.columns = {k: np.concatenate([c, np.empty_like(c)]) for k, c in self.columns.items()}
        for key, value in values.items():
            self.columns[key][self.size] = value
        self.size += 1

    def truncate(self, size: int) -> None:
        self.size = size

    def column(self, key: str) -> np.ndarray:
        return self.columns[key][:self.size]

    def as_dict(self) -> dict:
        return {k: self.column(k).copy() for k in self.FIELDS}


class TrainingSession:
    """Trains `model` on `data` (a PlaygroundData). The Playground's own networks train through FastMLP,
    any other model through the Tensor engine; both update with a `tinygrad_edu.optim` optimizer."""

    def __init__(self, data, model, *, optimizer: str, lr: float, regularization: str, reg_rate: float,
                 batch_size: int, seed: int, fast: bool):
        self.data, self.model, self.seed = data, model, seed
        self.loss_kind = _loss_kind(data, model)
        self.targets = data.y.astype(np.int64 if self.loss_kind == "ce" else np.float32)
        self.train_index = np.flatnonzero(~data.is_test)
        self.test_index = np.flatnonzero(data.is_test)
        self.train_mask = ~data.is_test
        self.opt_name, self.lr = optimizer_zoo.check_name(optimizer, "Playground"), lr
        self.regularization, self.reg_rate, self.batch_size = regularization, reg_rate, batch_size
        structure = layers_of(model)
        self.fast = None
        if fast and structure is not None and structure[0] is not None:
            self.fast = FastMLP(structure[1], self.loss_kind)
            with no_grad():                    # the feature columns never change: compute them once
                self.features = model[0](Tensor(data.X)).numpy()
        self.points = Tensor(data.X)
        self.params = list(model.parameters())
        self.optimizer = self._new_optimizer()
        self.sampler = BatchSampler(len(self.train_index), seed)
        self.steps, self.samples = 0, 0
        self.diverged_at: int | None = None
        self.history, self.interval = History(), 1
        self.checkpoints: list[dict] = []
        self._record()

    # ---- hyper-parameters that change without a reset -------------------------------------------
    def _new_optimizer(self):
        return optimizer_zoo.make_optimizer(self.opt_name, self.params, {"lr": self.lr})

    def set_lr(self, lr: float) -> None:
        self.lr = lr
        for group in self.optimizer.param_groups:
            group["lr"] = lr

    def set_optimizer(self, name: str) -> None:
        """A new optimizer of another kind on the same weights (its running averages start empty)."""
        self.opt_name = optimizer_zoo.check_name(name, "Playground")
        self.optimizer = self._new_optimizer()

    # ---- training ------------------------------------------------------------------------------
    def step(self, k: int) -> int:
        """Run up to k optimizer steps; stop early if the loss stops being finite. Returns steps run."""
        done = 0
        with np.errstate(over="ignore", invalid="ignore"):    # _record reports a diverging run instead
            while done < k and self.diverged_at is None:
                self._one_step()
                done += 1
        return done

    def _one_step(self) -> None:
        batch = self.train_index[self.sampler.next(self.batch_size)]
        if self.fast is not None:
            self.fast.backward(self.features[batch], self.targets[batch], self.regularization, self.reg_rate)
        else:
            self.optimizer.zero_grad()
            self.tensor_loss(batch).backward()
        self.optimizer.step()
        self.steps, self.samples = self.steps + 1, self.samples + len(batch)
        self._record()

    def tensor_loss(self, batch: np.ndarray, drawable: bool = False) -> Tensor:
        """The training loss of the points `batch` through the Tensor engine: the data loss (what
        `nn.functional` computes) plus the weight penalty of the chosen regularization.

        `drawable=True` is for the GraphAnimator: the point requires grad, so the feature ops are drawn
        too, and the two-class loss is written out as (1 - y)·z + softplus(-z), the formula of
        binary_cross_entropy_with_logits with softplus's default threshold (off by at most e^-20):
        the library's version sets threshold=inf, which the GraphAnimator cannot send as JSON."""
        logits = self.model(Tensor(self.data.X[batch], name="point", requires_grad=drawable))
        target = self.targets[batch]
        if self.loss_kind == "ce":
            loss = nn.functional.cross_entropy(logits, Tensor(target, name="label"))
        elif self.loss_kind == "bce" and drawable:
            y = Tensor(target[:, None], name="label")
            loss = ((1 - y) * logits + (-logits).softplus()).mean()
        elif self.loss_kind == "bce":
            loss = nn.functional.binary_cross_entropy_with_logits(logits, Tensor(target[:, None]))
        else:
            loss = nn.functional.mse_loss(logits, Tensor(target[:, None], name="target"))
        weights = [p for p in self.params if p.ndim >= 2]
        if self.regularization == "l1" and self.reg_rate:
            loss = loss + self.reg_rate * sum(w.abs().sum() for w in weights)
        elif self.regularization == "l2" and self.reg_rate:
            loss = loss + self.reg_rate * 0.5 * sum((w * w).sum() for w in weights)
        return loss

    def logits(self) -> np.ndarray:
        """The model's outputs at every point (train and test), without a graph, in eval mode."""
        if self.fast is not None:
            return self.fast.logits(self.features)
        was_training = self.model.training
        self.model.eval()
        try:
            with no_grad():
                return self.model(self.points).numpy()
        finally:
            self.model.train(was_training)

    def losses(self) -> tuple:
        """(mean train loss, mean test loss) of the data loss, NaN where there are no test points."""
        each = per_sample_loss(self.logits().astype(np.float64), self.targets, self.loss_kind)
        n_train, n_test = len(self.train_index), len(self.test_index)
        train = float(each[self.train_mask].sum()) / n_train
        return train, float(each[self.data.is_test].sum()) / n_test if n_test else math.nan

    def _record(self) -> None:
        loss, test_loss = self.losses()
        self.history.append(step=self.steps, epoch=self.epoch, loss=loss, test_loss=test_loss, lr=self.lr)
        if not math.isfinite(loss):
            self.diverged_at = self.steps
        if self.steps % self.interval == 0:
            self._checkpoint()

    @property
    def epoch(self) -> float:
        """Passes over the training points so far (fractional)."""
        return self.samples / len(self.train_index)

    # ---- checkpoints ---------------------------------------------------------------------------
    def _checkpoint(self) -> None:
        self.checkpoints.append({
            "step": self.steps, "samples": self.samples, "sampler": self.sampler.state(),
            "weights": {k: v.numpy().copy() for k, v in self.model.state_dict().items()},
            "optimizer": (self.opt_name, self.optimizer.state_dict()),
        })
        if len(self.checkpoints) > MAX_CHECKPOINTS:
            self.interval *= 2
            self.checkpoints = [c for c in self.checkpoints if c["step"] % self.interval == 0]

    @property
    def checkpoint_steps(self) -> list:
        return [c["step"] for c in self.checkpoints]

    def rewind(self, step: int) -> int:
        """Return to the latest checkpoint at or before `step` and forget what came after it; the
        current hyper-parameters stay. Returns the step returned to."""
        kept = [c for c in self.checkpoints if c["step"] <= step]
        if not kept:
            raise ValueError(f"Playground.rewind: no checkpoint at or before step {step}; "
                             f"the checkpoints are at steps {self.checkpoint_steps[:5]}...")
        point = kept[-1]
        self.model.load_state_dict(point["weights"])
        name, state = point["optimizer"]
        self.optimizer = self._new_optimizer()
        if name == self.opt_name:
            self.optimizer.load_state_dict(state)
            self.set_lr(self.lr)
        self.sampler.restore(point["sampler"])
        self.steps, self.samples, self.diverged_at = point["step"], point["samples"], None
        self.checkpoints = kept
        self.history.truncate(self.steps + 1)
        return self.steps


def _loss_kind(data, model) -> str:
    """Which loss fits the data and the model's output width, checked on one point."""
    with no_grad():
        try:
            out = model(Tensor(data.X[:1]))
        except Exception as e:
            raise ValueError(f"Playground: the model must take (n, 2) points; on a (1, 2) tensor it raised "
                             f"{type(e).__name__}: {e}") from e
    width = out.shape[1] if out.ndim == 2 and out.shape[0] == 1 else None
    if data.task == "regression":
        if width != 1:
            raise ValueError(f"Playground: for regression the model must output one value per point, "
                             f"shape (n, 1); it gave {tuple(out.shape)}")
        return "mse"
    classes = len(data.classes)
    if width == 1 and classes == 2:
        return "bce"
    if width == classes:
        return "ce"
    raise ValueError(f"Playground: the data has {classes} classes, so the model must output "
                     f"{'1 logit or 2' if classes == 2 else classes} values per point (logits, no softmax); "
                     f"it gave shape {tuple(out.shape)}")


def check_regularization(name) -> str:
    name = "none" if name is None else str(name).lower()
    if name not in REGULARIZATIONS:
        raise ValueError(f"Playground: regularization must be one of {REGULARIZATIONS}, got {name!r}")
    return name

