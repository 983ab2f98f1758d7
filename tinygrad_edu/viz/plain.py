"""Numbers and arrays as plain, JSON-safe data: what a snapshot stores and a widget displays.

Why summaries: a drawing or a browser cannot show a 256x784 weight matrix, so small arrays are kept
whole (a table) and larger ones become shape, min/mean/max and a small heatmap.
"""
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
    else a heatmap sample (rows over the leading axes, columns over the last axis)."""
    a = np.asarray(a)
    out = {"shape": list(a.shape), "dtype": str(a.dtype), "size": int(a.size)}
    if a.size == 0:
        return out
    values = a.astype(np.float64)
    is_finite = np.isfinite(values)
    all_finite = bool(is_finite.all())
    stats = values if all_finite else (values[is_finite] if is_finite.any() else values)
    as_list = (lambda v: v.tolist()) if all_finite else (lambda v: _clean(v.tolist()))
    out.update(min=number(stats.min()), mean=number(stats.mean()), max=number(stats.max()))
    if a.size <= SMALL_ARRAY:
        out["data"] = as_list(values)
    else:
        grid = values.reshape(1, -1) if values.ndim < 2 else values.reshape(-1, values.shape[-1])
        out["heatmap"] = as_list(_significant(grid[_sample(*grid.shape)], 4))
    return out


def printable(text: str) -> str:
    """User text that any SVG, DOT, JSON or HTML can carry, still reading as typed: each control
    character becomes its Unicode "control picture" (BEL → ␇, NUL → ␀, newline → ␊), and a lone
    surrogate (which UTF-8 cannot encode) becomes �."""
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


def _significant(a: np.ndarray, digits: int) -> np.ndarray:
    """Round to `digits` significant digits (a heatmap is a picture: short numbers, much smaller JSON)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        magnitude = np.where(np.isfinite(a) & (a != 0), np.floor(np.log10(np.abs(a))), 0)
    scale = 10.0 ** (digits - 1 - magnitude)
    return np.where(np.isfinite(a), np.round(a * scale) / scale, a)


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
