"""Pictures of the training widgets for places with no browser code (nbconvert, GitHub): heatmaps as PNG
images inside a small SVG, drawn with the same colours the browser uses (widgets/plot_kit.js)."""
import base64
import html
import struct
import zlib

import numpy as np

NEGATIVE, NEUTRAL, POSITIVE = (245, 147, 34), (232, 234, 235), (8, 119, 189)   # orange, grey, blue
PALETTE = [(245, 147, 34), (8, 119, 189), (44, 160, 44), (148, 103, 189), (214, 39, 40), (140, 86, 75),
           (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207)]


def diverging(t: np.ndarray) -> np.ndarray:
    """Colours for values in [-1, 1]: orange through grey to blue; (..., 3) uint8."""
    t = np.clip(np.nan_to_num(t), -1, 1)[..., None]
    neutral, neg, pos = (np.array(c, float) for c in (NEUTRAL, NEGATIVE, POSITIVE))
    return np.where(t < 0, neutral + (neutral - neg) * t, neutral + (pos - neutral) * t).astype(np.uint8)


LOW, HIGH = (250, 251, 253), (96, 116, 142)      # a loss surface: light valleys, slate peaks


def sequential(t: np.ndarray) -> np.ndarray:
    """Colours for values in [0, 1] from light to slate; (..., 3) uint8."""
    t = np.clip(np.nan_to_num(t, nan=1.0), 0, 1)[..., None] ** 0.8
    low, high = np.array(LOW, float), np.array(HIGH, float)
    return (low + (high - low) * t).astype(np.uint8)


def pastel(rgb: np.ndarray, amount: float = 0.4) -> np.ndarray:
    """A lighter colour (behind the points, so a point in the same colour still shows)."""
    return (rgb + (255 - rgb.astype(float)) * amount).astype(np.uint8)


def class_mix(probs: np.ndarray) -> np.ndarray:
    """Colours for class probabilities (..., C): each class's colour weighted by its probability."""
    palette = np.array(PALETTE[: probs.shape[-1]], float)
    return np.clip(probs @ palette, 0, 255).astype(np.uint8)


def png(rgb: np.ndarray) -> bytes:
    """A PNG file of an (H, W, 3) uint8 image (no dependency: zlib and the PNG chunk layout)."""
    height, width, _ = rgb.shape
    rows = b"".join(b"\x00" + rgb[r].tobytes() for r in range(height))      # filter type 0 per row

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


def svg_image(rgb: np.ndarray, size: int, x: float = 0, y: float = 0) -> str:
    """An <image> element showing `rgb` scaled to size x size at (x, y), top row first."""
    data = base64.b64encode(png(rgb)).decode("ascii")
    return (f'<image x="{x}" y="{y}" width="{size}" height="{size}" preserveAspectRatio="none" '
            f'href="data:image/png;base64,{data}"/>')


def svg_page(width: int, height: int, body: list, title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">'
            f'<title>{html.escape(title)}</title>{"".join(body)}</svg>')


def svg_text(x: float, y: float, text: str, **attrs) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return f'<text x="{x}" y="{y}"{extra}>{html.escape(text)}</text>'
