"""Global switches read on every op: is gradient tracking on, and is anomaly detection on.

Why plain module globals: each op reads them, so they must cost one attribute load.
"""

import copy
import functools

enabled = True
anomaly = False


class _Switch:
    """Base for the switches: context managers that set one module flag and restore it on exit, and
    also work as decorators (`@no_grad()` like PyTorch)."""

    flag = "enabled"
    value = True

    def __enter__(self):
        self._saved = globals()[self.flag]
        globals()[self.flag] = self.value

    def __exit__(self, *exc):
        globals()[self.flag] = self._saved

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapped(*args, **kwargs):
            with copy.copy(self):  # a fresh switch per call, so nested and recursive calls restore correctly
                return fn(*args, **kwargs)

        return wrapped


class no_grad(_Switch):
    """Run ops without recording a graph: for evaluation and for optimizer updates."""

    value = False


class enable_grad(_Switch):
    """Turn recording back on inside a `no_grad` block."""

    value = True


def is_grad_enabled() -> bool:
    return enabled


class detect_anomaly(_Switch):
    """Check every op's result for NaN/Inf and raise naming the first op that produced one.

    Forward results are checked as they are computed, and gradients during backward, so the error
    points at the op to look at rather than at the loss that finally became NaN.
    """

    flag = "anomaly"

    def __init__(self, enabled: bool = True):
        self.value = enabled


class inference_mode(no_grad):
    """torch.inference_mode: here the same as no_grad (PyTorch also skips its version counters inside;
    tinygrad_edu keeps none). `inference_mode(False)` leaves recording as it is."""

    def __init__(self, mode: bool = True):
        self.mode = bool(mode)

    def __enter__(self):
        self._saved = globals()["enabled"]
        if self.mode:
            globals()["enabled"] = False
        inference_depth.append(self.mode)

    def __exit__(self, *exc):
        inference_depth.pop()
        super().__exit__(*exc)


inference_depth: list = []  # one entry per open inference_mode block (True where it is on)


def is_inference_mode_enabled() -> bool:
    return bool(inference_depth) and inference_depth[-1]


class _SetNow(_Switch):
    """A switch set by calling it, as `torch.set_grad_enabled(False)`; used in a `with` block it
    restores the previous setting at the end."""

    def __init__(self, mode: bool):
        self.value = bool(mode)
        self._saved = globals()[self.flag]
        globals()[self.flag] = self.value

    def __enter__(self):
        return self


class set_grad_enabled(_SetNow):
    """`set_grad_enabled(False)` turns recording off until turned on again; `with set_grad_enabled(
    phase == "train"):` sets it for one block (PyTorch's training-loop idiom)."""


class set_detect_anomaly(_SetNow):
    """torch.autograd.set_detect_anomaly(True): detect_anomaly as a setting."""

    flag = "anomaly"
