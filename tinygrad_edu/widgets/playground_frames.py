"""What the Playground sends its browser half: a *scene* when the data or the network change (points,
columns of neurons, input feature maps) and a *frame* after training steps (the output heatmap, every
neuron's heatmap, the weights, the loss curve). Arrays travel as raw float32 bytes (buffers.py), sent as
binary buffers beside the JSON, not as JSON lists."""
import math

import numpy as np

from ..tensor import Tensor, no_grad
from . import static_image
from .buffers import f32
from .playground_model import (
    ACTIVATIONS,
    FEATURES,
    FeatureMap,
    feature_labels,
    layer_outputs,
    layers_of,
    predictions,
)

GRID = 50             # the output heatmap is GRID x GRID
SMALL = 25            # each neuron's heatmap: every other grid point
CURVE_POINTS = 600    # the loss curve is sent as at most this many evenly spaced steps


def grid_points(bounds, size: int = GRID) -> np.ndarray:
    """(size², 2) points covering `bounds`, row by row from the top (y decreasing) like an image."""
    (x0, x1), (y0, y1) = bounds
    xs = np.linspace(x0, x1, size)
    ys = np.linspace(y1, y0, size)
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32)


def output_kind(session) -> str:
    """How the output column reads: "sigmoid" (two classes), "softmax" or "" (regression)."""
    return {"bce": "sigmoid", "ce": "softmax", "mse": ""}[session.loss_kind]


def scene(session, features_shown: bool) -> dict:
    """The parts of the picture that only change with the data or the network."""
    data, model = session.data, session.model
    structure = layers_of(model)
    columns = []
    if structure is not None:
        features, layers = structure
        keys = features if features is not None else []
        units = feature_labels(features, data.inputs) if features is not None else list(data.inputs)
        columns.append({"kind": "input", "units": len(units), "labels": units, "keys": keys})
        for i, (linear, act) in enumerate(layers):
            last = i == len(layers) - 1
            columns.append({"kind": "output" if last else "hidden", "units": linear.out_features,
                            "activation": output_kind(session) if last else (act or "linear"),
                            "symbol": ACTIVATIONS[act or "linear"][1]})
    small = grid_points(data.bounds, SMALL)
    maps = _input_maps(features_shown, small)
    y = data.y.astype(np.float32)
    return {
        "model_name": type(model).__name__, "parameters": sum(p.numel() for p in model.parameters()),
        "task": data.task, "classes": data.classes, "inputs": list(data.inputs), "name": data.describe(),
        "bounds": [list(b) for b in data.bounds], "grid": GRID, "small": SMALL, "columns": columns,
        "all_features": [{"key": k, "label": label} for k, label in
                         zip(FEATURES, feature_labels(FEATURES, data.inputs))] if features_shown else [],
        "target_range": [float(y.min()), float(y.max())] if data.task == "regression" else [0.0, 1.0],
        "n_points": len(y), "points": f32(data.X), "labels": y.tobytes(),
        "is_test": data.is_test.astype(np.uint8).tobytes(), "input_maps": f32(maps),
    }


def _input_maps(features_shown: bool, small: np.ndarray) -> np.ndarray:
    """Each input's value over the small grid: all the features the Playground offers (the browser draws
    the ones not in use dimmed), or the two raw inputs of a model= model."""
    if features_shown:
        with no_grad():
            return FeatureMap(list(FEATURES))(Tensor(small)).numpy().T
    return small.T


def frame(session, grid: np.ndarray, request=None, elapsed: float = 0.0) -> dict:
    """The state after the latest step, for the browser to draw."""
    outputs = layer_outputs(session.model, grid)
    task = session.data.task
    shown = predictions(outputs[-1], task)
    shown_columns = outputs[:-1] + [shown.reshape(len(grid), -1)]
    neurons = [o.reshape(GRID, GRID, -1)[::2, ::2].transpose(2, 0, 1) for o in shown_columns]
    structure = layers_of(session.model)
    weights = [] if structure is None else [
        np.concatenate([linear.weight.numpy().ravel(), linear.bias.numpy().ravel()])
        for linear, _ in structure[1]]
    history = session.history
    n = history.size
    picks = np.unique(np.linspace(0, n - 1, min(n, CURVE_POINTS)).round().astype(np.int64))
    loss, test_loss = history.column("loss")[-1], history.column("test_loss")[-1]
    return {
        "steps": session.steps, "epoch": session.epoch, "loss": _finite(loss),
        "test_loss": _finite(test_loss),
        "lr": session.lr, "request": request, "elapsed": elapsed, "diverged": session.diverged_at,
        "checkpoints": session.checkpoint_steps,
        "output": f32(shown), "neurons": f32(np.concatenate([m.ravel() for m in neurons])),
        "weights": f32(np.concatenate(weights) if weights else np.zeros(0)),
        "curve": f32(np.stack([history.column(k)[picks] for k in ("step", "loss", "test_loss")])),
    }


def _finite(x: float):
    """JSON has no NaN or infinity: the browser reads null as "not a number"."""
    return float(x) if math.isfinite(x) else None


def static_svg(session, grid: np.ndarray) -> str:
    """The output heatmap with the points and the losses: what a notebook without widgets shows."""
    data = session.data
    shown = predictions(layer_outputs(session.model, grid)[-1], data.task)
    size, pad = 300, 8
    rgb = static_image.pastel(_colours(shown, data))
    (x0, x1), (y0, y1) = data.bounds
    body = [static_image.svg_image(rgb.reshape(GRID, GRID, 3), size, pad, pad)]
    for (px, py), label, test in zip(data.X, data.y, data.is_test):
        cx, cy = pad + (px - x0) / (x1 - x0) * size, pad + (y1 - py) / (y1 - y0) * size
        fill = _point_colour(label, data)
        stroke = "#000" if test else "#fff"
        body.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="2.6" fill="{fill}" stroke="{stroke}" '
                    'stroke-width="0.7"/>')
    loss, test_loss = session.history.column("loss")[-1], session.history.column("test_loss")[-1]
    lines = [(f"step {session.steps} · epoch {session.epoch:.1f}", "#1d2733"),
             (f"train loss {loss:.4g} · test loss {test_loss:.4g}", "#1d2733"), (data.describe(), "#5f6b7a")]
    for i, (text, colour) in enumerate(lines):
        body.append(static_image.svg_text(pad, size + 2 * pad + 10 + 16 * i, text, fill=colour))
    return static_image.svg_page(size + 2 * pad, size + 2 * pad + 50, body, "Playground")


def _colours(shown: np.ndarray, data) -> np.ndarray:
    if data.task == "regression":
        return static_image.diverging(_centred(shown, data))
    if shown.ndim == 1:
        return static_image.diverging(2 * shown - 1)
    return static_image.class_mix(shown)


def _centred(values: np.ndarray, data) -> np.ndarray:
    """Regression values in [-1, 1]: the targets' range mapped onto the colour scale."""
    low, high = float(data.y.min()), float(data.y.max())
    return (values - (low + high) / 2) / max((high - low) / 2, 1e-9)


def _point_colour(label, data) -> str:
    if data.task == "regression":
        rgb = tuple(static_image.diverging(_centred(np.array(label), data)))
    else:
        rgb = static_image.PALETTE[int(label)]
    return "#%02x%02x%02x" % tuple(int(c) for c in rgb)
