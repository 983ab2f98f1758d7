"""The "cpu" device: NumPy arrays, NumPy as `xp`, SciPy's special functions (erf) beside it."""
import importlib

import numpy as np

from .registry import register_backend


def register() -> None:
    register_backend("cpu", np, np.ndarray, to_host=lambda a: a, from_host=lambda a: a,
                     special=lambda: importlib.import_module("scipy.special"))
