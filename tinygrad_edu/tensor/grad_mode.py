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
