"""One file format for everything a user saves or loads: safetensors arrays plus a JSON structure.

Why safetensors: its header declares every array's dtype, shape and byte range up front, so a file is
checked against its own size before anything is allocated, and loading never runs code (unlike
pickle). PyTorch users read the same files with `safetensors.torch`. The structure (what the arrays
mean: a state dict, a graph) travels as JSON in the header's metadata, with a format name and version.

Every problem with a file (truncated, corrupted, hand-edited, another format) is one `FileFormatError`,
naming the file and what is wrong; files are written atomically, with the permissions `open()` gives.
"""
import json
import os
import struct
import tempfile
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file

MAX_HEADER_BYTES = 64 * 2**20
MAX_NESTING = 200
# safetensors dtype names for the numeric dtypes we store (bool included); nothing else is accepted
DTYPES = {"F16": np.float16, "F32": np.float32, "F64": np.float64, "I8": np.int8, "I16": np.int16,
          "I32": np.int32, "I64": np.int64, "U8": np.uint8, "U16": np.uint16, "U32": np.uint32,
          "U64": np.uint64, "BOOL": np.bool_}
_NAMES = {np.dtype(v): k for k, v in DTYPES.items()}


class FileFormatError(ValueError):
    """A file that is not a valid tinygrad_edu file of the expected kind (the message says why)."""

    def __init__(self, path, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path, self.problem = str(path), problem


def write(path, arrays: dict, structure, kind: str, version: int) -> None:
    """Write `arrays` (name -> NumPy array) and the JSON-able `structure` to `path`, atomically."""
    for name, array in arrays.items():
        if np.dtype(array.dtype) not in _NAMES:
            raise TypeError(f"save {path}: array {name!r} has dtype {array.dtype}; only numeric arrays "
                            "can be stored")
    metadata = {"format": kind, "version": str(version), "structure": json.dumps(structure)}
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    os.close(fd)
    try:
        save_file({k: np.ascontiguousarray(v) for k, v in arrays.items()}, tmp, metadata=metadata)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read(path, kind: str, versions: tuple) -> tuple:
    """(arrays, structure) of a file written by `write` with this `kind`, after checking all of it."""
    path = Path(path)
    with open(path, "rb") as f:
        raw = f.read()
    header = _header(path, raw)
    meta = header.pop("__metadata__", None)
    if not isinstance(meta, dict) or meta.get("format") != kind:
        found = meta.get("format") if isinstance(meta, dict) else None
        raise FileFormatError(path, f"not a {kind} file (format {found!r})")
    if meta.get("version") not in tuple(str(v) for v in versions):
        raise FileFormatError(path, f"{kind} version {meta.get('version')!r} is not one this version "
                                    f"of tinygrad_edu reads ({', '.join(map(str, versions))})")
    structure = _json(path, meta.get("structure", "null"), "structure")
    data = memoryview(raw)[8 + struct.unpack("<Q", raw[:8])[0]:]
    arrays = {name: _array(path, name, entry, data) for name, entry in header.items()}
    return arrays, structure


def _header(path: Path, raw: bytes) -> dict:
    if len(raw) < 8:
        raise FileFormatError(path, f"file is truncated ({len(raw)} bytes, no header)")
    (size,) = struct.unpack("<Q", raw[:8])
    if size > MAX_HEADER_BYTES or 8 + size > len(raw):
        raise FileFormatError(path, f"header declares {size} bytes but the file holds {len(raw) - 8}")
    header = _json(path, bytes(raw[8:8 + size]), "header")
    if not isinstance(header, dict):
        raise FileFormatError(path, "header is not a JSON object")
    return header


def _json(path: Path, text, what: str):
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as err:
        raise FileFormatError(path, f"{what} is not valid JSON ({type(err).__name__})") from None
    if _depth(value) > MAX_NESTING:
        raise FileFormatError(path, f"{what} is nested deeper than {MAX_NESTING} levels")
    return value


def _depth(value) -> int:
    """Nesting depth, walked without recursion (a hostile file may nest deeply)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _array(path: Path, name: str, entry, data: memoryview) -> np.ndarray:
    if not isinstance(entry, dict) or entry.get("dtype") not in DTYPES:
        dtype = entry.get("dtype") if isinstance(entry, dict) else entry
        raise FileFormatError(path, f"array {name!r} has unsupported dtype {dtype!r}")
    shape, offsets = entry.get("shape"), entry.get("data_offsets")
    if not (isinstance(shape, list) and all(type(s) is int and s >= 0 for s in shape)):
        raise FileFormatError(path, f"array {name!r} has an invalid shape {shape!r}")
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(type(o) is int for o in offsets)):
        raise FileFormatError(path, f"array {name!r} has invalid data offsets {offsets!r}")
    dtype = np.dtype(DTYPES[entry["dtype"]])
    begin, end = offsets
    nbytes = int(np.prod(shape, dtype=object)) * dtype.itemsize
    if not 0 <= begin <= end <= len(data) or end - begin != nbytes:
        raise FileFormatError(path, f"array {name!r} declares shape {shape} ({nbytes} bytes) at bytes "
                                    f"{begin}..{end}: outside the {len(data)} data bytes, or not that size")
    return np.frombuffer(data[begin:end], dtype=dtype).reshape(shape).copy()
