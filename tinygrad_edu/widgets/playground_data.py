"""The Playground's data: its built-in 2-D sets, or a student's own points (arrays, a pandas DataFrame or a
CSV file), checked, labelled, split into train and test, and framed by the square the heatmaps cover.

Everything ends up as one `PlaygroundData`: points `X` (n, 2) float32, targets `y` (class indices int64,
or float32 values for regression), which points are held out for testing, and the names to print.
"""
import csv
import math
import os
import sys
from dataclasses import dataclass

import numpy as np

from ..data import make_circles, make_gaussians, make_moons, make_spiral, make_xor

MAX_CLASSES = 10          # the colour palettes hold ten classes
INTEGRAL_CLASSES = 10     # float labels, all whole numbers with at most this many values, are classes


def _plane(n, noise, seed):
    """Regression on a tilted plane: y = (x1 + x2) / 2 plus noise."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, 2))
    return X, (X[:, 0] + X[:, 1]) / 2 + rng.normal(scale=noise, size=n)


def _hills(n, noise, seed):
    """Regression on two hills and two valleys (a network needs hidden units to fit it)."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, 2))
    bump = lambda cx, cy: np.exp(-((X[:, 0] - cx) ** 2 + (X[:, 1] - cy) ** 2) / 0.18)
    y = bump(-0.45, 0.45) + bump(0.45, -0.45) - bump(0.45, 0.45) - bump(-0.45, -0.45)
    return X, y + rng.normal(scale=noise, size=n)


# name -> (maker(n, noise, seed) -> (X, y), default noise, task)
DATASETS = {
    "circles": (lambda n, noise, seed: make_circles(n, noise=noise, seed=seed), 0.05, "classification"),
    "xor": (lambda n, noise, seed: make_xor(n, noise=noise, seed=seed), 0.05, "classification"),
    "gaussians": (lambda n, noise, seed: make_gaussians(n, noise=noise, seed=seed), 0.5, "classification"),
    "spiral": (lambda n, noise, seed: make_spiral(n, classes=2, noise=noise, seed=seed), 0.1,
               "classification"),
    "moons": (lambda n, noise, seed: make_moons(n, noise=noise, seed=seed), 0.1, "classification"),
    "plane": (_plane, 0.05, "regression"),
    "hills": (_hills, 0.05, "regression"),
}
TASKS = ("auto", "classification", "regression")


@dataclass
class PlaygroundData:
    X: np.ndarray               # (n, 2) float32 points
    y: np.ndarray               # (n,) int64 class indices, or float32 targets for regression
    is_test: np.ndarray         # (n,) bool: held out, never trained on
    task: str                   # "classification" or "regression"
    classes: list               # class names (classification), else []
    inputs: tuple               # the two input names: ("x1", "x2") or the user's column names
    name: str                   # the dataset's name, or "your data"

    @property
    def train(self) -> tuple:
        return self.X[~self.is_test], self.y[~self.is_test]

    @property
    def test(self) -> tuple:
        return self.X[self.is_test], self.y[self.is_test]

    @property
    def bounds(self) -> tuple:
        """The square the heatmaps cover: the points' box, widened by 10% and made square."""
        low, high = self.X.min(axis=0).astype(float), self.X.max(axis=0).astype(float)
        centre, half = (low + high) / 2, max(float((high - low).max()) / 2 * 1.1, 1e-3)
        return ((centre[0] - half, centre[0] + half), (centre[1] - half, centre[1] + half))

    def describe(self) -> str:
        kind = f"{len(self.classes)} classes" if self.task == "classification" else "regression"
        return f"{self.name}: {len(self.y)} points ({int((~self.is_test).sum())} train), {kind}"


def split(n: int, train_ratio: float, seed: int) -> np.ndarray:
    """Which of n points are test points: a seeded shuffle, the first `train_ratio` of it trains."""
    if not isinstance(train_ratio, (int, float)) or not 0 < train_ratio <= 1:
        raise ValueError(f"Playground: train_ratio must be in (0, 1], got {train_ratio!r}")
    n_train = min(n, max(1, round(n * train_ratio)))
    is_test = np.ones(n, dtype=bool)
    is_test[np.random.default_rng(seed).permutation(n)[:n_train]] = False
    return is_test


def built_in(name: str, n_samples: int, noise, train_ratio: float, seed: int) -> PlaygroundData:
    """One of DATASETS, generated with `seed` (noise None: the set's own default)."""
    if name not in DATASETS:
        raise ValueError(f"Playground: unknown dataset {name!r}; expected one of {list(DATASETS)}, "
                         "or pass your own points as data=(X, y)")
    maker, default_noise, task = DATASETS[name]
    noise = default_noise if noise is None else noise
    if not isinstance(noise, (int, float)) or not 0 <= noise <= 5:
        raise ValueError(f"Playground: noise must be a number from 0 to 5, got {noise!r}")
    if not isinstance(n_samples, int) or isinstance(n_samples, bool) or n_samples < 4:
        raise ValueError(f"Playground: n_samples must be an int >= 4, got {n_samples!r}")
    X, y = maker(n_samples, float(noise), seed)
    y = y.astype(np.int64) if task == "classification" else y.astype(np.float32)
    classes = [f"class {k}" for k in range(int(y.max()) + 1)] if task == "classification" else []
    return PlaygroundData(np.asarray(X, np.float32), y, split(n_samples, train_ratio, seed), task, classes,
                          ("x1", "x2"), name)


def from_user(data, train_ratio: float, seed: int, *, features=None, label=None,
              task="auto") -> PlaygroundData:
    """Points from `data`: a pair (X, y) of arrays, a pandas DataFrame, or the path of a CSV file."""
    if task not in TASKS:
        raise ValueError(f"Playground: task must be one of {TASKS}, got {task!r}")
    if isinstance(data, (str, os.PathLike)):
        names, columns = _read_csv(data)
        where = f"CSV file {os.fspath(data)!r}"
    elif _is_dataframe(data):
        names = [str(c) for c in data.columns]
        columns = [data[c].to_numpy() for c in data.columns]
        where = "the DataFrame"
    elif isinstance(data, (tuple, list)) and len(data) == 2:
        X, y = data
        return _from_arrays(X, y, train_ratio, seed, task, ("x1", "x2"), "your data")
    else:
        raise TypeError("Playground: data= must be (X, y) arrays, a pandas DataFrame or a CSV file path, "
                        f"got {type(data).__name__}")
    x_cols, y_col = _pick_columns(names, features, label, where)
    X = np.stack([_numeric(columns[i], names[i], where) for i in x_cols], axis=1)
    return _from_arrays(X, columns[y_col], train_ratio, seed, task, (names[x_cols[0]], names[x_cols[1]]),
                        os.path.basename(os.fspath(data)) if where.startswith("CSV") else "your data")


def _is_dataframe(data) -> bool:
    pandas = sys.modules.get("pandas")       # a DataFrame can only exist once pandas is imported
    return pandas is not None and isinstance(data, pandas.DataFrame)


def _pick_columns(names: list, features, label, where: str) -> tuple:
    """Indices of the two feature columns and the label column; by default x, y, label in that order."""
    def index(name):
        if name not in names:
            raise ValueError(f"Playground: {where} has no column {name!r}; its columns are {names}")
        return names.index(name)

    if features is not None and (isinstance(features, str) or len(features) != 2):
        raise ValueError(f"Playground: features= must name two columns, got {features!r}")
    y_col = index(label) if label is not None else None
    if features is not None:
        x_cols = [index(f) for f in features]
    elif len(names) == 3:
        x_cols = [i for i in range(3) if i != (2 if y_col is None else y_col)]
    else:
        raise ValueError(f"Playground: {where} has {len(names)} columns {names}; say which two are the "
                         "inputs and which is the label: features=('a', 'b'), label='c'")
    if y_col is None:
        rest = [i for i in range(len(names)) if i not in x_cols]
        if len(rest) != 1:
            raise ValueError(f"Playground: {where}: say which column is the label with label=; "
                             f"columns {names}")
        y_col = rest[0]
    if y_col in x_cols or x_cols[0] == x_cols[1]:
        raise ValueError(f"Playground: the inputs {[names[i] for i in x_cols]} and the label "
                         f"{names[y_col]!r} "
                         "must be three different columns")
    return x_cols, y_col


def _read_csv(path) -> tuple:
    """Column names and columns (lists of strings) of a CSV file; a first row that is not all numbers is
    the header, otherwise the columns are called column1, column2, ..."""
    try:
        with open(path, newline="", encoding="utf-8") as f:
            rows = [row for row in csv.reader(f) if any(cell.strip() for cell in row)]
    except OSError as e:
        raise FileNotFoundError(f"Playground: cannot read the CSV file {os.fspath(path)!r}: {e}") from None
    if not rows:
        raise ValueError(f"Playground: the CSV file {os.fspath(path)!r} is empty")
    header = not all(_is_number(cell) for cell in rows[0])
    names = [c.strip() for c in rows[0]] if header else [f"column{i + 1}" for i in range(len(rows[0]))]
    body = rows[1:] if header else rows
    for line, row in enumerate(body, start=2 if header else 1):
        if len(row) != len(names):
            raise ValueError(f"Playground: {os.fspath(path)!r} line {line} has {len(row)} fields, "
                             f"the file has {len(names)} columns {names}")
    return names, [np.array([row[i].strip() for row in body], dtype=object) for i in range(len(names))]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _numeric(column, name: str, where: str) -> np.ndarray:
    """A column as float64, naming the first entry that is not a number."""
    values = np.asarray(column)
    if values.dtype.kind in "biuf":
        return values.astype(np.float64)
    out = np.empty(len(values))
    for row, value in enumerate(values):
        try:
            out[row] = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"Playground: {where}, column {name!r}, row {row + 1}: {value!r} is not a "
                             "number") from None
    return out


def _from_arrays(X, y, train_ratio, seed, task, inputs, name) -> PlaygroundData:
    X = _numeric_matrix(X)
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1 or len(y) != len(X):
        raise ValueError(f"Playground: data=(X, y) needs one label per point: X has {len(X)} points, "
                         f"y has shape {y.shape}")
    task = _infer_task(y) if task == "auto" else task
    if task == "classification":
        classes, y = np.unique(y.astype(str) if y.dtype.kind == "O" else y, return_inverse=True)
        if len(classes) < 2:
            raise ValueError(f"Playground: classification needs at least 2 classes, the labels are all "
                             f"{classes[0]!r}")
        if len(classes) > MAX_CLASSES:
            raise ValueError(f"Playground: {len(classes)} classes; the Playground draws at most "
                             f"{MAX_CLASSES} "
                             "(for a numeric target pass task='regression')")
        names, y = [_class_name(c) for c in classes], y.astype(np.int64)
    else:
        y, names = _numeric(y, "label", "the targets").astype(np.float32), []
        if not np.isfinite(y).all():
            raise ValueError(f"Playground: {int((~np.isfinite(y)).sum())} targets are NaN or infinite")
    return PlaygroundData(X, y, split(len(X), train_ratio, seed), task, names, inputs, name)


def _numeric_matrix(X) -> np.ndarray:
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"Playground: the points X must have shape (n, 2), got {X.shape}; the Playground "
                         "trains on 2-D inputs so it can draw them")
    if len(X) < 4:
        raise ValueError(f"Playground: need at least 4 points to train and test, got {len(X)}")
    if X.dtype.kind not in "biuf":
        raise ValueError(f"Playground: the points X must be numbers, got dtype {X.dtype}")
    bad = ~np.isfinite(X.astype(np.float64)).all(axis=1)
    if bad.any():
        raise ValueError(f"Playground: {int(bad.sum())} points have NaN or infinite coordinates "
                         f"(first at row {int(np.argmax(bad))}); drop or fill them first")
    return X.astype(np.float32)


def _infer_task(y: np.ndarray) -> str:
    """Like scikit-learn's type_of_target: text, ints and bools are classes; floats are a regression target
    unless they are all whole numbers with at most INTEGRAL_CLASSES distinct values (0.0/1.0 labels)."""
    if y.dtype.kind in "biuUSO":
        if y.dtype.kind == "O" and all(isinstance(v, str) for v in y):
            as_numbers = [v for v in y if _is_number(v)]
            if len(as_numbers) == len(y):
                return _infer_task(np.array([float(v) for v in y]))
        return "classification"
    values = y.astype(np.float64)
    whole = np.isfinite(values).all() and (values == np.round(values)).all()
    return "classification" if whole and len(np.unique(values)) <= INTEGRAL_CLASSES else "regression"


def _class_name(value) -> str:
    if isinstance(value, (float, np.floating)) and math.isfinite(value) and float(value).is_integer():
        return str(int(value))
    return str(value)
