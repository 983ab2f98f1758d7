"""The Playground's networks: input features of (x1, x2), seeded MLPs built from `nn` layers, and a reading
of any `nn.Sequential` of Linear layers and activations as columns of neurons the browser can draw.

A network built here is an ordinary `nn.Sequential(FeatureMap, Linear, Tanh, ..., Linear)`: it takes raw
(n, 2) points, so `pg.model(points)` and the GraphAnimator see every feature, weight and activation.
"""
import numpy as np

from .. import nn
from ..tensor import Tensor, cat, no_grad

# key -> (formula over the two inputs a and b as Tensors, label template)
FEATURES = {
    "x1": (lambda a, b: a, "{a}"),
    "x2": (lambda a, b: b, "{b}"),
    "x1^2": (lambda a, b: a * a, "{a}²"),
    "x2^2": (lambda a, b: b * b, "{b}²"),
    "x1*x2": (lambda a, b: a * b, "{a}·{b}"),
    "sin(x1)": (lambda a, b: a.sin(), "sin {a}"),
    "sin(x2)": (lambda a, b: b.sin(), "sin {b}"),
}
# name -> (module class, the symbol a formula prints)
ACTIVATIONS = {"tanh": (nn.Tanh, "tanh"), "relu": (nn.ReLU, "relu"), "sigmoid": (nn.Sigmoid, "σ"),
               "linear": (nn.Identity, "")}
MAX_LAYERS, MAX_UNITS = 8, 32


def feature_labels(features, inputs=("x1", "x2")) -> list:
    """What each feature is called on screen, written in the data's own input names."""
    return [FEATURES[f][1].format(a=inputs[0], b=inputs[1]) for f in features]


class FeatureMap(nn.Module):
    """(n, 2) points -> (n, len(features)) columns such as x1, x1², sin x2: the Playground's input layer."""

    def __init__(self, features):
        super().__init__()
        self.features = check_features(features)

    def forward(self, x):
        a, b = x[:, 0:1], x[:, 1:2]
        return cat([FEATURES[f][0](a, b) for f in self.features], dim=1)

    def extra_repr(self):
        return ", ".join(self.features)


def check_features(features) -> list:
    features = [features] if isinstance(features, str) else list(features)
    unknown = [f for f in features if f not in FEATURES]
    if unknown or not features:
        raise ValueError(f"Playground: features must be a non-empty list from {list(FEATURES)}, "
                         f"got {features!r}")
    if len(set(features)) != len(features):
        raise ValueError(f"Playground: features lists a feature twice: {features!r}")
    return [f for f in FEATURES if f in features]          # always in the same order on screen


def check_hidden(hidden) -> list:
    hidden = [hidden] if isinstance(hidden, int) else list(hidden)
    if len(hidden) > MAX_LAYERS or any(isinstance(h, bool) or not isinstance(h, (int, np.integer))
                                       or not 1 <= h <= MAX_UNITS for h in hidden):
        raise ValueError(f"Playground: hidden must list up to {MAX_LAYERS} layer sizes from 1 to "
                         f"{MAX_UNITS}, "
                         f"got {hidden!r}")
    return [int(h) for h in hidden]


def check_activation(activation) -> str:
    if activation not in ACTIVATIONS:
        raise ValueError(f"Playground: unknown activation {activation!r}; "
                         f"expected one of {list(ACTIVATIONS)}")
    return activation


def build_mlp(features, hidden, activation: str, outputs: int, seed: int) -> nn.Sequential:
    """FeatureMap, then Linear + activation per hidden layer, then a Linear output layer (logits).

    Weights are Glorot-uniform from a generator of its own seeded with `seed`, biases zero, so the same
    arguments always give the same network (that is what reset returns to).
    """
    act = ACTIVATIONS[check_activation(activation)][0]
    sizes = [len(check_features(features)), *check_hidden(hidden), outputs]
    layers: list[nn.Module] = [FeatureMap(features)]
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(fan_in, fan_out))
        if i < len(sizes) - 2:
            layers.append(act())
    model = nn.Sequential(*layers)
    rng = np.random.default_rng(seed)
    linears = [m for m in model if isinstance(m, nn.Linear)]
    for i, linear in enumerate(linears, start=1):
        bound = np.sqrt(6.0 / (linear.in_features + linear.out_features))
        linear.weight.array[...] = rng.uniform(-bound, bound, size=linear.weight.shape)
        linear.bias.array[...] = 0
        linear.weight.name, linear.bias.name = f"W{i}", f"b{i}"      # how graph drawings label them
    return model


def layers_of(model):
    """The model as drawable columns: (feature keys or None, [(Linear, activation name or None), ...]),
    or None when it is not a Sequential of an optional FeatureMap, Linear layers and known activations."""
    if not isinstance(model, nn.Sequential):
        return None
    children = list(model)
    features = None
    if children and isinstance(children[0], FeatureMap):
        features, children = children[0].features, children[1:]
    by_class = {cls: name for name, (cls, _) in ACTIVATIONS.items()}
    layers = []
    for child in children:
        if isinstance(child, nn.Linear):
            layers.append([child, None])
        elif type(child) in by_class and layers and layers[-1][1] is None:
            layers[-1][1] = by_class[type(child)]
        else:
            return None
    if not layers or layers[0][0].in_features != (len(features) if features else 2):
        return None
    return features, [tuple(layer) for layer in layers]


def layer_outputs(model, points: np.ndarray) -> list:
    """Every drawn neuron's value at `points` (n, 2): one (n, units) array per column after the inputs,
    the last being the output layer's logits. Runs the Sequential one child at a time, without a graph."""
    structure = layers_of(model)
    with no_grad():
        h = Tensor(points)
        if structure is None:
            return [model(h).numpy()]
        outputs = []
        children = list(model)
        for i, child in enumerate(children):
            h = child(h)
            is_linear = isinstance(child, nn.Linear)
            followed_by_activation = i + 1 < len(children) and not isinstance(children[i + 1], nn.Linear)
            is_activation = not is_linear and not isinstance(child, FeatureMap)
            if (is_linear and not followed_by_activation) or is_activation:
                outputs.append(h.numpy())
        return outputs


def predictions(logits: np.ndarray, task: str) -> np.ndarray:
    """What the output heatmap shows: p(class 1) for two classes, class probabilities for more, the value
    for regression."""
    if task == "regression":
        return logits[:, 0]
    if logits.shape[1] == 1:
        return 0.5 * (1 + np.tanh(0.5 * logits[:, 0]))
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
