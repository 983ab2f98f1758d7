"""`fit`: the training loop of a lesson in one call, with a progress bar and a plottable history.

The loop is the textbook one (zero_grad, forward, loss, backward, step) so students can read it and
then write it themselves. `tqdm.auto` shows a widget in Jupyter and a text bar in a terminal.
"""
from .tensor import no_grad


class History:
    """Per-epoch metrics: `history["loss"]`, `["accuracy"]`, and `["val_loss"]`, `["val_accuracy"]`."""

    def __init__(self):
        self.metrics = {}

    def append(self, **values):
        for key, value in values.items():
            if value is not None:
                self.metrics.setdefault(key, []).append(value)

    def __getitem__(self, key):
        if key not in self.metrics:
            raise KeyError(f"History: no metric {key!r}; recorded {sorted(self.metrics)}")
        return self.metrics[key]

    def __contains__(self, key):
        return key in self.metrics

    def __repr__(self):
        last = ", ".join(f"{k}={v[-1]:.4g}" for k, v in self.metrics.items())
        epochs = max((len(v) for v in self.metrics.values()), default=0)
        return f"History({epochs} epochs: {last})"

    def plot(self):
        """Loss (and accuracy, if measured) per epoch, training and validation; returns the Figure."""
        import matplotlib.pyplot as plt  # imported late: only lessons that plot pay for matplotlib

        panels = [name for name in ("loss", "accuracy") if name in self.metrics]
        fig, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 3.5), squeeze=False)
        for ax, name in zip(axes[0], panels):
            for key, label in ((name, "train"), (f"val_{name}", "validation")):
                if key in self.metrics:
                    values = self.metrics[key]
                    ax.plot(range(1, len(values) + 1), values, marker="o", label=label)
            ax.set_xlabel("epoch")
            ax.set_ylabel(name)
            ax.legend()
        fig.tight_layout()
        return fig


def _correct(output, target):
    """Number of right predictions when the output is (N, C) scores and the target (N,) class indices."""
    y = target.array
    if output.ndim != 2 or y.ndim != 1 or y.dtype.kind not in "iu":
        return None
    return int((output.array.argmax(axis=1) == y).sum())


def _run_epoch(model, loader, loss_fn, optimizer=None, bar=None):
    """One pass over `loader`; trains when an optimizer is given. Returns (mean loss, accuracy or None)."""
    total_loss, correct, count = 0.0, 0, 0
    for x, y in loader:
        output = model(x)
        loss = loss_fn(output, y)
        if optimizer is not None:
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        n = len(y.array)
        total_loss += float(loss.array) * n
        right = _correct(output, y)
        correct = None if right is None or correct is None else correct + right
        count += n
        if bar is not None:
            bar.update(1)
            bar.set_postfix(loss=f"{float(loss.array):.4f}")
    if count == 0:
        raise ValueError("fit: the loader produced no batches")
    return total_loss / count, None if correct is None else correct / count


def evaluate(model, loader, loss_fn):
    """Mean loss and accuracy over `loader` in eval mode without building graphs."""
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            return _run_epoch(model, loader, loss_fn)
    finally:
        model.train(was_training)


def fit(model, loader, loss_fn, optimizer, epochs, val_loader=None, scheduler=None, progress=True):
    """Train `model` for `epochs` passes over `loader`; returns a `History` (call `.plot()` to see it).

    `scheduler.step()` runs once per epoch if given; `val_loader` is evaluated after every epoch.
    """
    from tqdm.auto import tqdm  # imported late: picks the Jupyter widget or the terminal bar at run time

    if not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"fit: epochs must be a positive int, got {epochs!r}")
    history = History()
    with tqdm(total=epochs * len(loader), disable=not progress, unit="batch") as bar:
        for epoch in range(epochs):
            bar.set_description(f"epoch {epoch + 1}/{epochs}")
            model.train()
            loss, accuracy = _run_epoch(model, loader, loss_fn, optimizer, bar)
            val_loss, val_accuracy = evaluate(model, val_loader, loss_fn) if val_loader else (None, None)
            history.append(loss=loss, accuracy=accuracy, val_loss=val_loss, val_accuracy=val_accuracy)
            if scheduler is not None:
                scheduler.step()
    return history
