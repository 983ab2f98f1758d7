"""Arrays for the browser halves: raw little-endian float32 bytes, which ipywidgets sends as binary buffers
beside the JSON (never as JSON lists); plot_kit.js reads them back with `floats()`."""
import numpy as np


def f32(array) -> bytes:
    """The array as float32 bytes; values beyond float32's range become ±inf (the browser skips them)."""
    with np.errstate(over="ignore"):
        return np.ascontiguousarray(array, dtype="<f4").tobytes()
