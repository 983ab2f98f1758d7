"""Reader for IDX files, the format MNIST and Fashion-MNIST ship in (optionally gzipped).

Layout: two zero bytes, a type code, the number of dimensions n, then n big-endian uint32
sizes, then the values in big-endian row-major order. Nothing is downloaded: the user points
at files they already have.
"""
import gzip
from pathlib import Path

import numpy as np

_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path):
    """Load one IDX file (`.gz` is decompressed) into a NumPy array of its native type and shape."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"read_idx: no such file: {path}")
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError) as err:
        raise ValueError(f"read_idx: {path} is not a readable gzip file ({err})") from err
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise ValueError(f"read_idx: {path} is not an IDX file (expected magic bytes 00 00, got {raw[:2]!r})")
    code, ndim = raw[2], raw[3]
    if code not in _TYPES:
        raise ValueError(f"read_idx: {path} has unknown type code 0x{code:02X}; "
                         f"expected one of {[hex(c) for c in _TYPES]}")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"read_idx: {path} is truncated inside its header ({len(raw)} of {header} bytes)")
    shape = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    dtype = np.dtype(_TYPES[code])
    expected = header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) != expected:
        raise ValueError(f"read_idx: {path} holds {len(raw)} bytes but its header (shape {shape}, "
                         f"{dtype.name}) needs {expected}: the file is truncated or corrupt")
    data = np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape)
    return data.astype(dtype.newbyteorder("="))
