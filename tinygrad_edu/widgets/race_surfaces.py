"""Loss surfaces f(x, y) for the OptimizerRace, written with Tensor ops so `backward()` gives the gradient
the optimizers step on, and the race itself: each `tinygrad_edu.optim` optimizer stepping from one start.

Each built-in surface shows one thing a lesson talks about: a curved valley (Rosenbrock), a saddle point,
an elongated bowl where one learning rate cannot suit both directions, and Beale's plateaus.
"""
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..tensor import Tensor, no_grad
from . import optimizer_zoo


@dataclass(frozen=True)
class Surface:
    name: str
    fn: Callable                    # f(x, y) -> a Tensor of x's shape, for Tensors x and y of equal shape
    formula: str
    bounds: tuple                   # ((x_min, x_max), (y_min, y_max)) the picture covers
    start: tuple
    minimum: tuple | None = None    # where the global minimum is, if known (drawn as a star)
    settings: dict = field(default_factory=dict)    # per optimizer, over optimizer_zoo's defaults


SURFACES = {s.name: s for s in [
    Surface("rosenbrock", lambda x, y: (1 - x) ** 2 + 100 * (y - x * x) ** 2,
            "(1 − x)² + 100·(y − x²)²", ((-2.0, 2.0), (-1.0, 3.0)), (-1.2, 1.0), (1.0, 1.0),
            {"sgd": {"lr": 2e-3}, "momentum": {"lr": 1e-3}, "nesterov": {"lr": 1e-3}, "adagrad": {"lr": 0.3},
             "rmsprop": {"lr": 0.03}, "adam": {"lr": 0.1}}),
    Surface("saddle", lambda x, y: x * x - y * y + 0.25 * y ** 4,
            "x² − y² + y⁴/4", ((-2.0, 2.0), (-2.2, 2.2)), (1.8, 0.02), (0.0, math.sqrt(2.0)),
            {"sgd": {"lr": 3e-3}, "momentum": {"lr": 1e-3}, "nesterov": {"lr": 1e-3}, "adagrad": {"lr": 0.03},
             "rmsprop": {"lr": 3e-3}, "adam": {"lr": 0.01}}),
    Surface("ill_conditioned", lambda x, y: 0.5 * (x * x + 50 * y * y),
            "(x² + 50·y²) / 2", ((-2.0, 2.0), (-1.2, 1.2)), (-1.8, 0.9), (0.0, 0.0),
            {"sgd": {"lr": 0.035}, "momentum": {"lr": 0.01}, "nesterov": {"lr": 0.01}, "adagrad": {"lr": 0.3},
             "rmsprop": {"lr": 0.03}, "adam": {"lr": 0.1}}),
    Surface("beale", lambda x, y: (1.5 - x + x * y) ** 2 + (2.25 - x + x * y * y) ** 2
            + (2.625 - x + x * y ** 3) ** 2,
            "(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²", ((-4.5, 4.5), (-4.5, 4.5)),
            (-1.0, 1.5), (3.0, 0.5),
            {"sgd": {"lr": 0.01}, "momentum": {"lr": 3e-3}, "nesterov": {"lr": 0.01}, "adagrad": {"lr": 0.1},
             "rmsprop": {"lr": 0.01}, "adam": {"lr": 0.1}}),
]}


def surface_for(surface, bounds=None, start=None, minimum=None) -> Surface:
    """A built-in surface by name, or a user function f(x, y) written with Tensor ops."""
    if isinstance(surface, str):
        if surface not in SURFACES:
            raise ValueError(f"OptimizerRace: unknown surface {surface!r}; expected one of {list(SURFACES)} "
                             "or a function f(x, y) written with Tensor ops")
        base = SURFACES[surface]
    elif callable(surface):
        name = getattr(surface, "__name__", "f")
        base = Surface("custom", surface, f"{name}(x, y)", ((-2.0, 2.0), (-2.0, 2.0)), (-1.5, 1.5))
    else:
        raise TypeError(f"OptimizerRace: surface must be a name or a function f(x, y), "
                        f"got {type(surface).__name__}")
    bounds = base.bounds if bounds is None else _check_bounds(bounds)
    start = base.start if start is None else check_point(start, "start")
    minimum = base.minimum if minimum is None else check_point(minimum, "minimum")
    return Surface(base.name, base.fn, base.formula, bounds, start, minimum, base.settings)


def _check_bounds(bounds) -> tuple:
    try:
        (x0, x1), (y0, y1) = bounds
        x0, x1, y0, y1 = (float(v) for v in (x0, x1, y0, y1))
    except (TypeError, ValueError):
        raise ValueError(f"OptimizerRace: bounds must be ((x_min, x_max), (y_min, y_max)), "
                         f"got {bounds!r}") from None
    if not (x0 < x1 and y0 < y1) or not all(map(math.isfinite, (x0, x1, y0, y1))):
        raise ValueError(f"OptimizerRace: bounds need finite x_min < x_max and y_min < y_max, got {bounds!r}")
    return ((x0, x1), (y0, y1))


def check_point(point, what: str) -> tuple:
    try:
        x, y = (float(v) for v in point)
    except (TypeError, ValueError):
        raise ValueError(f"OptimizerRace: {what} must be a point (x, y), got {point!r}") from None
    if not (math.isfinite(x) and math.isfinite(y)):
        raise ValueError(f"OptimizerRace: {what} must be finite, got {point!r}")
    return (x, y)


def evaluate(surface: Surface, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """f at arrays of points (for the contour picture), with no graph recorded."""
    with no_grad():
        value = surface.fn(Tensor(x), Tensor(y))
    if not isinstance(value, Tensor) or value.shape != x.shape:
        got = tuple(value.shape) if isinstance(value, Tensor) else type(value).__name__
        raise ValueError(f"OptimizerRace: the surface must map Tensors x, y of shape {x.shape} to one value "
                         f"each (elementwise Tensor ops); it returned {got}")
    return value.numpy()


def run_optimizer(surface: Surface, name: str, settings: dict, steps: int, schedule=None) -> tuple:
    """Optimizer `name` with `settings` stepping `steps` times on the surface from its start: the
    points (steps+1, 2) and the loss at each (steps+1,). After the loss stops being finite the rest is NaN.

    The loop is the one every training script runs: zero_grad, forward, backward, step (and the
    scheduler's step, if `schedule(optimizer)` made one)."""
    point = Tensor(np.array(surface.start, dtype=np.float64), requires_grad=True, name="p")
    optimizer = optimizer_zoo.make_optimizer(name, [point], settings)
    scheduler = schedule(optimizer) if schedule is not None else None
    path = np.full((steps + 1, 2), np.nan)
    losses = np.full(steps + 1, np.nan)
    path[0] = surface.start
    with np.errstate(over="ignore", invalid="ignore"):         # divergence is recorded, not warned about
        _steps(surface, point, optimizer, scheduler, path, losses)
    return path, losses


def _steps(surface, point, optimizer, scheduler, path, losses) -> None:
    """Fill `path` (from row 1) and `losses` in place, stopping at the first value that is not finite."""
    steps = len(losses) - 1
    for t in range(steps + 1):
        optimizer.zero_grad()
        loss = surface.fn(point[0], point[1])
        if not isinstance(loss, Tensor) or loss.ndim != 0:
            raise ValueError("OptimizerRace: the surface must return one number (a 0-d Tensor) for a point; "
                             f"it returned {getattr(loss, 'shape', type(loss).__name__)}")
        losses[t] = float(loss.item())
        if t == steps or not math.isfinite(losses[t]):
            break
        loss.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        path[t + 1] = point.numpy()
        if not np.isfinite(path[t + 1]).all():
            break
