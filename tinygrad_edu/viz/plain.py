"""Numbers and arrays as plain, JSON-safe data: what a snapshot stores and a widget displays.

Why summaries: a drawing or a browser cannot show a 256x784 weight matrix, so small arrays are kept
whole (a table) and larger ones become shape, min/mean/max and a small heatmap (bytes, not numbers).
"""
import base64
import functools
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
    else a heatmap (a picture, see `heatmap`) of a sample: rows over the leading axes, columns over
    the last axis."""
    a = np.asarray(a)
    out = {"shape": list(a.shape), "dtype": dtype_name(a.dtype), "size": int(a.size)}
    if a.size == 0:
        return out
    lo, hi = a.min(), a.max()                     # NaN propagates: finite bounds mean all finite
    if math.isfinite(lo) and math.isfinite(hi):
        mean = a.mean(dtype=np.float64)
        out.update(min=float(lo), mean=number(mean), max=float(hi))
        if a.size <= SMALL_ARRAY:
            out["data"] = a.astype(np.float64).tolist()
        else:
            out["heatmap"] = heatmap(_grid(a), max(abs(float(lo)), abs(float(hi))))
        return out
    values = a.astype(np.float64)
    is_finite = np.isfinite(values)
    stats = values[is_finite] if is_finite.any() else values
    out.update(min=number(stats.min()), mean=number(stats.mean()), max=number(stats.max()))
    if a.size <= SMALL_ARRAY:
        out["data"] = _clean(values.tolist())
    else:
        finite = np.where(is_finite, values, 0.0)
        out["heatmap"] = heatmap(_grid(finite), float(np.abs(finite).max()))
    return out


@functools.lru_cache(maxsize=64)
def dtype_name(dtype) -> str:
    """"float32" for a NumPy dtype (cached: NumPy builds the name anew at every call)."""
    return str(dtype)


def _grid(a: np.ndarray) -> np.ndarray:
    grid = a.reshape(1, -1) if a.ndim < 2 else a.reshape(-1, a.shape[-1])
    rows, cols = grid.shape
    return grid if rows <= HEATMAP_SIDE and cols <= HEATMAP_SIDE else grid[_sample(rows, cols)]


def heatmap(grid: np.ndarray, scale: float) -> dict:
    """A grid as a picture: each cell as a signed byte, value / scale · 127, base64-encoded (a 16x16
    weight is 344 characters of JSON rather than ~2,500); the browser colours cell v by v / 127."""
    scale = scale if scale > 0 else 1.0
    cells = np.rint(grid.astype(np.float64) * (127.0 / scale)).astype(np.int8)
    return {"rows": int(cells.shape[0]), "cols": int(cells.shape[1]), "scale": scale,
            "cells": base64.b64encode(cells.tobytes()).decode("ascii")}


def printable(text: str) -> str:
    """User text that any SVG, DOT, JSON or HTML can carry, still reading as typed: each control
    character becomes its Unicode "control picture" (BEL → ␇, NUL → ␀, newline → ␊), and a lone
    surrogate (which UTF-8 cannot encode) becomes �."""
    text = str(text)
    if text.isprintable():
        return text
    out = []
    for ch in text:
        code = ord(ch)
        if code < 0x20:
            out.append(chr(0x2400 + code))
        elif code == 0x7F:
            out.append("\u2421")
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\ufffd")
        else:
            out.append(ch)
    return "".join(out)


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


@functools.lru_cache(maxsize=256)
def _sample(rows: int, cols: int) -> tuple:
    """Evenly spaced row and column indices (at most HEATMAP_SIDE each) for a heatmap of a grid."""
    pick = lambda n: np.linspace(0, n - 1, min(n, HEATMAP_SIDE)).astype(int)
    return np.ix_(pick(rows), pick(cols))


def _clean(nested):
    """Replace non-finite floats inside nested lists by their JSON-safe strings."""
    if isinstance(nested, list):
        return [_clean(v) for v in nested]
    return number(nested)
