"""OptimizerRace: SGD, momentum, Nesterov, Adagrad, RMSprop and Adam stepping on the same 2-D loss surface
from the same start, drawn over its contour map and animated side by side in the browser.

The trajectories are `tinygrad_edu.optim`'s own steps on the surface's Tensor graph (race_surfaces.py),
computed in Python when a setting changes; the browser only plays them back, so scrubbing is instant.
"""
import copy
import dataclasses

import anywidget
import numpy as np
import traitlets

from ..tensor import Tensor
from . import optimizer_zoo, static_image
from .buffers import f32
from .race_surfaces import check_point, evaluate, run_optimizer, surface_for
from .static_files import module_source
from .traits import InvalidSetting

GRID = 140               # the contour picture is GRID x GRID values
LEVELS = 14              # contour lines, at evenly spaced quantiles of the surface's values
COLOURS = {"sgd": "#d62728", "momentum": "#ff7f0e", "nesterov": "#8c564b", "adagrad": "#2ca02c",
           "rmsprop": "#9467bd", "adam": "#e377c2"}


class OptimizerRace(anywidget.AnyWidget):
    """Race the optimizers on `surface` ("rosenbrock", "saddle", "ill_conditioned", "beale", or a function
    f(x, y) of Tensors) from `start` for `steps` steps.

    `race.trajectories[name]` is the (steps+1, 2) path starting at the start point, `race.losses[name]` the
    loss along it, `race.settings[name]` the optimizer's hyper-parameters: set them with
    `race.configure("adam", lr=0.05)` (or assign a whole new `settings` dict). `schedule=` is a function
    optimizer -> learning-rate scheduler, stepped after every step.
    """

    _esm = module_source("plot_kit.js", "optimizer_race.js")
    _css = module_source("plot_kit.css", "optimizer_race.css")

    surface_name = traitlets.Unicode().tag(sync=True)
    formula = traitlets.Unicode().tag(sync=True)
    start = traitlets.List(traitlets.Float()).tag(sync=True)
    steps = traitlets.Int(300).tag(sync=True)
    optimizers = traitlets.List(traitlets.Unicode()).tag(sync=True)
    settings = traitlets.Dict().tag(sync=True)
    landscape = traitlets.Dict().tag(sync=True)
    paths = traitlets.Dict().tag(sync=True)
    step = traitlets.Int(0).tag(sync=True)
    playing = traitlets.Bool(False).tag(sync=True)
    speed = traitlets.Float(60.0).tag(sync=True)
    arrangement = traitlets.Unicode("together").tag(sync=True)   # or "side_by_side"

    def __init__(self, surface="rosenbrock", *, start=None, steps=300, optimizers=None, settings=None,
                 schedule=None, bounds=None, minimum=None, arrangement="together"):
        self._surface = surface_for(surface, bounds, start, minimum)
        if schedule is not None and not callable(schedule):
            raise TypeError(f"OptimizerRace: schedule must be a function optimizer -> scheduler, "
                            f"got {schedule!r}")
        self._schedule, self._ready = schedule, False
        names = list(optimizer_zoo.NAMES if optimizers is None else optimizers)
        for name in names:
            optimizer_zoo.check_name(name, "OptimizerRace")
        if not names or len(set(names)) != len(names):
            raise ValueError(f"OptimizerRace: optimizers must name each optimizer at most once, "
                             f"got {names!r}")
        given = settings or {}
        unknown = sorted(set(given) - set(names))
        if unknown:
            raise ValueError(f"OptimizerRace: settings for {unknown}, which are not racing ({names})")
        full = {n: {**self._surface.settings.get(n, {}), **given.get(n, {})} for n in names}
        super().__init__(surface_name=self._surface.name, formula=self._surface.formula,
                         start=list(self._surface.start), steps=steps, optimizers=names,
                         arrangement=arrangement,
                         settings={n: self._checked_settings(n, s) for n, s in full.items()})
        self._results = {}
        self._landscape()
        self._ready = True
        self.run()

    # ---- validation ----------------------------------------------------------------------------
    def _checked_settings(self, name, given) -> dict:
        try:
            checked = optimizer_zoo.settings_for(name, given, "OptimizerRace")
            optimizer_zoo.make_optimizer(name, [_probe()], checked)          # the optimizer's own checks
        except (TypeError, ValueError) as e:
            raise InvalidSetting(str(e)) from None
        return {k: list(v) if isinstance(v, tuple) else v for k, v in checked.items()}

    @traitlets.validate("settings")
    def _check_settings(self, proposal):
        value = proposal["value"]
        if self._ready and set(value) != set(self.optimizers):
            raise InvalidSetting(f"OptimizerRace.settings: expected settings for {self.optimizers}, "
                                 f"got {sorted(value)}")
        return {name: self._checked_settings(name, s) for name, s in value.items()}

    @traitlets.validate("steps")
    def _check_steps(self, proposal):
        value = proposal["value"]
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 20_000:
            raise InvalidSetting(f"OptimizerRace.steps: expected an int from 1 to 20000, got {value!r}")
        return value

    @traitlets.validate("start")
    def _check_start(self, proposal):
        try:
            return list(check_point(proposal["value"], "start"))
        except ValueError as e:
            raise InvalidSetting(str(e)) from None

    @traitlets.validate("step")
    def _check_step(self, proposal):
        value = proposal["value"]
        if not 0 <= value <= self.steps:
            raise InvalidSetting(f"OptimizerRace.step: expected an int from 0 to {self.steps}, got {value!r}")
        return value

    @traitlets.validate("arrangement")
    def _check_arrangement(self, proposal):
        if proposal["value"] not in ("together", "side_by_side"):
            raise InvalidSetting("OptimizerRace.arrangement: expected 'together' (one map) or 'side_by_side' "
                                 f"(a map per optimizer), got {proposal['value']!r}")
        return proposal["value"]

    @traitlets.observe("settings", "steps", "start")
    def _rerun(self, change):
        if not self._ready:
            return
        if change["name"] == "start":
            self._surface = dataclasses.replace(self._surface, start=tuple(self.start))
        self.run(changed=None if change["name"] != "settings" else
                 [n for n in self.optimizers if change["old"].get(n) != change["new"].get(n)])

    # ---- the race ------------------------------------------------------------------------------
    def run(self, steps: int | None = None, changed=None) -> dict:
        """Race every optimizer for `steps` steps (default: the current `steps`); returns `trajectories`.
        `changed` limits the work to those optimizers (the others' paths are still right)."""
        if steps is not None and steps != self.steps:
            self._ready = False
            self.steps = steps
            self._ready = True
            changed = None
        for name in self.optimizers if changed is None else changed:
            self._results[name] = run_optimizer(self._surface, name, self.settings[name], self.steps,
                                                self._schedule)
        self._send_paths()
        return self.trajectories

    def configure(self, name: str, **settings) -> None:
        """Change some hyper-parameters of one optimizer (e.g. lr=0.05) and race it again."""
        if name not in self.optimizers:
            raise ValueError(f"OptimizerRace.configure: {name!r} is not racing; "
                             f"the racers are {self.optimizers}")
        new = copy.deepcopy(self.settings)
        new[name] = {**new[name], **settings}
        self.settings = new

    @property
    def trajectories(self) -> dict:
        """name -> (steps+1, 2) array of points, row 0 the start point (NaN after a divergence)."""
        return {name: self._results[name][0].copy() for name in self.optimizers}

    @property
    def losses(self) -> dict:
        """name -> (steps+1,) loss at each point of its trajectory."""
        return {name: self._results[name][1].copy() for name in self.optimizers}

    @property
    def surface(self):
        """The Surface racing on (its function, bounds, start, minimum)."""
        return self._surface

    def play(self) -> None:
        self.playing = True

    def pause(self) -> None:
        self.playing = False

    # ---- what the browser draws ----------------------------------------------------------------
    def _landscape(self) -> None:
        (x0, x1), (y0, y1) = self._surface.bounds
        gx, gy = np.meshgrid(np.linspace(x0, x1, GRID), np.linspace(y1, y0, GRID))
        values = evaluate(self._surface, gx, gy)
        finite = np.isfinite(values)
        shade = np.zeros_like(values)
        order = np.argsort(np.where(finite, values, np.inf), axis=None)
        shade.ravel()[order] = np.linspace(0, 1, values.size)    # evenly spread colours (quantiles)
        self._values, self._shade = values, shade
        self.landscape = {"bounds": [list(b) for b in self._surface.bounds], "grid": GRID,
                          "minimum": list(self._surface.minimum) if self._surface.minimum else None,
                          "levels": [k / LEVELS for k in range(1, LEVELS)],
                          "shade": f32(shade), "values": f32(np.where(finite, values, np.nan))}

    def _send_paths(self) -> None:
        self.paths = {"names": self.optimizers, "labels": [optimizer_zoo.label(n) for n in self.optimizers],
                      "colours": [COLOURS[n] for n in self.optimizers], "steps": self.steps,
                      "points": f32(np.stack([self._results[n][0] for n in self.optimizers])),
                      "losses": f32(np.stack([self._results[n][1] for n in self.optimizers]))}
        if self.step > self.steps:
            self.step = self.steps

    def static_svg(self) -> str:
        """The contour map with every full trajectory, as an SVG picture (what nbconvert shows)."""
        size, pad = 360, 8
        shade = np.clip(self._shade, 0, 1)
        rgb = static_image.sequential(shade)
        body = [static_image.svg_image(rgb, size, pad, pad)]
        (x0, x1), (y0, y1) = self._surface.bounds
        to_px = lambda p: (pad + (p[0] - x0) / (x1 - x0) * size, pad + (y1 - p[1]) / (y1 - y0) * size)
        for i, name in enumerate(self.optimizers):
            path = self._results[name][0]
            path = path[np.isfinite(path).all(axis=1)]
            points = " ".join("%.1f,%.1f" % to_px(p) for p in np.clip(path, [x0, y0], [x1, y1]))
            colour = COLOURS[name]
            body.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="1.6"/>')
            legend = optimizer_zoo.label(name)
            body.append(static_image.svg_text(size + 2 * pad + 6, pad + 14 + 16 * i, legend, fill=colour))
        sx, sy = to_px(self._surface.start)
        body.append(f'<rect x="{sx - 4:.1f}" y="{sy - 4:.1f}" width="8" height="8" fill="none" '
                    'stroke="#1d2733"/>')
        if self._surface.minimum is not None:
            mx, my = to_px(self._surface.minimum)
            body.append(static_image.svg_text(mx, my + 5, "★", text_anchor="middle", font_size="16"))
        body.append(static_image.svg_text(pad, size + 2 * pad + 12, f"{self.formula}, {self.steps} steps"))
        return static_image.svg_page(size + 2 * pad + 90, size + 2 * pad + 20, body, "OptimizerRace")

    def _repr_mimebundle_(self, **kwargs):
        data, metadata = super()._repr_mimebundle_(**kwargs)
        return {**data, "image/svg+xml": self.static_svg()}, metadata


def _probe():
    """A throwaway parameter for checking settings with the optimizer's own constructor."""
    return Tensor(np.zeros(2), requires_grad=True)
