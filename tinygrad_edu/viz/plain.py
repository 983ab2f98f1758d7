"""Numbers and arrays as plain, JSON-safe data: what a snapshot stores and a widget displays.

Why summaries: a drawing or a browser cannot show a 256x784 weight matrix, so small arrays are kept
whole (a table) and larger ones become shape, min/mean/max and a small heatmap.
"""
import math

import numpy as np

SMALL_ARRAY = 64        # arrays up to this many elements are stored whole
HEATMAP_SIDE = 16       # larger arrays keep at most a 16x16 sample for a heatmap


def number(x) -> float | str:
    """A float JSON can carry: NaN and infinities become the strings "nan", "inf", "-inf"."""
    x = float(x)
    if math.isfinite(x):
        return x
    return "nan" if x != x else ("inf" if x > 0 else "-inf")


def fmt(x) -> str:
    """Short human text for a number (4 significant digits, "-4" rather than "-4.0")."""
    if isinstance(x, str):
        return x
    return f"{x:.4g}"


def array(a: np.ndarray) -> dict:
    """A host array as plain data: always shape, dtype and min/mean/max; the data itself when small,
    else a heatmap sample (rows over the leading axes, columns over the last axis)."""
    a = np.asarray(a)
    out = {"shape": list(a.shape), "dtype": str(a.dtype), "size": int(a.size)}
    if a.size == 0:
        return out
    values = a.astype(np.float64)
    finite = values[np.isfinite(values)]
    stats = finite if finite.size else values
    out.update(min=number(stats.min()), mean=number(stats.mean()), max=number(stats.max()))
    if a.size <= SMALL_ARRAY:
        out["data"] = _clean(values.tolist())
    else:
        grid = values.reshape(1, -1) if values.ndim < 2 else values.reshape(-1, values.shape[-1])
        rows = np.linspace(0, grid.shape[0] - 1, min(grid.shape[0], HEATMAP_SIDE)).astype(int)
        cols = np.linspace(0, grid.shape[1] - 1, min(grid.shape[1], HEATMAP_SIDE)).astype(int)
        out["heatmap"] = _clean(grid[np.ix_(rows, cols)].tolist())
    return out


def describe(value) -> str:
    """One short line for a stored value: the number itself, or the array's shape and mean."""
    if value is None:
        return "not computed yet"
    if not isinstance(value, dict):
        return fmt(value)
    if value.get("size") == 1 and "data" in value:
        return fmt(np.ravel(value["data"])[0].item())
    shape = "×".join(str(n) for n in value["shape"]) or "scalar"
    mean = f" mean {fmt(value['mean'])}" if "mean" in value else ""
    return f"[{shape}]{mean}"


def _clean(nested):
    """Replace non-finite floats inside nested lists by their JSON-safe strings."""
    if isinstance(nested, list):
        return [_clean(v) for v in nested]
    return number(nested)
