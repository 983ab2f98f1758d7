"""One file format for everything a user saves or loads: safetensors arrays plus a JSON structure.

Why safetensors: its header declares every array's dtype, shape and byte range up front, so a file is
checked against its own size before anything is allocated, and loading never runs code (unlike
pickle). PyTorch users read the same files with `safetensors.torch`. The structure (what the arrays
mean: a state dict, a graph) travels as JSON in the header's metadata, with a format name and version.

Every problem with a file (truncated, corrupted, hand-edited, another format) is one `FileFormatError`,
naming the file and what is wrong. Reading checks the whole header first: the byte ranges of the arrays
must tile the data exactly (no gaps, no overlaps: what safetensors itself demands), so memory is only
allocated for bytes the file really holds. Files are written atomically, with the permissions `open()`
gives.
"""
import json
import math
import os
import struct
import tempfile
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file

MAX_HEADER_BYTES = 64 * 2**20
MAX_NESTING = 200
MAX_DIMS = 32                 # NumPy 1.x's limit, so every supported NumPy reads what we write
MAX_ELEMENT_BYTES = 2**48     # a declared shape whose elements (zero axes aside) would need more is refused
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
    """Write `arrays` (name -> NumPy array) and the JSON-able `structure` to `path`, atomically.

    Everything is checked before the file is touched: what could not be read back is never written."""
    path = Path(path)
    stored = {name: _storable(path, name, array) for name, array in arrays.items()}
    try:
        text = json.dumps(structure)
    except (TypeError, ValueError) as err:
        raise TypeError(f"save {path}: the structure is not plain JSON data ({err})") from None
    if depth(structure) > MAX_NESTING:
        raise ValueError(f"save {path}: the structure is nested deeper than {MAX_NESTING} levels, "
                         "which no reader accepts")
    metadata = {"format": kind, "version": str(version), "structure": text}
    if not path.parent.is_dir():  # else mkstemp would name a temporary file the user never asked for
        raise FileNotFoundError(f"save {path}: the directory {path.parent} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        save_file(stored, tmp, metadata=metadata)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _storable(path: Path, name, array) -> np.ndarray:
    """The array as safetensors stores it (contiguous, little-endian), or a TypeError saying why not."""
    if not isinstance(name, str) or name == "__metadata__" or not _is_utf8(name):
        raise TypeError(f"save {path}: array name {name!r} cannot be stored (names are UTF-8 strings "
                        "other than '__metadata__')")
    array = np.asarray(array)
    if array.dtype.newbyteorder("=") not in _NAMES:
        raise TypeError(f"save {path}: array {name!r} has dtype {array.dtype}; only numeric arrays "
                        "can be stored")
    if array.ndim > MAX_DIMS:
        raise ValueError(f"save {path}: array {name!r} has {array.ndim} dimensions; at most {MAX_DIMS} "
                         "can be stored")
    return array.astype(array.dtype.newbyteorder("<"), order="C", copy=False)  # 0-d stays 0-d


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True


def read(path, kind: str, versions: tuple) -> tuple:
    """(arrays, structure) of a file written by `write` with this `kind`, after checking all of it."""
    path = Path(path)
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        header_size, header = _header(path, f, size)
        meta = _metadata(path, header.pop("__metadata__", None), kind, versions)
        structure = parse_json(path, meta["structure"], "structure")
        data_start = 8 + header_size
        entries = _entries(path, header, size - data_start)
        arrays = {}
        for name, (dtype, shape, begin, end) in entries.items():
            array = np.empty(shape, dtype=dtype)
            f.seek(data_start + begin)
            if f.readinto(array.reshape(-1).view(np.uint8).data) != end - begin:
                raise FileFormatError(path, f"array {name!r} ends early (the file changed while it was read)")
            arrays[name] = array
    return arrays, structure


def _header(path: Path, f, size: int) -> tuple:
    """(header byte count, the header as a dict), read only after its size was checked against the file's."""
    prefix = f.read(8)
    if len(prefix) < 8:
        raise FileFormatError(path, f"file is truncated ({len(prefix)} bytes, no header)")
    (count,) = struct.unpack("<Q", prefix)
    if count > MAX_HEADER_BYTES or 8 + count > size:
        raise FileFormatError(path, f"header declares {count} bytes but the file holds {size - 8} after "
                                    f"the size field (and headers are at most {MAX_HEADER_BYTES} bytes): "
                                    "truncated, or not a safetensors file")
    raw = f.read(count)
    if not raw.startswith(b"{"):
        raise FileFormatError(path, "header does not start with '{': not a safetensors file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise FileFormatError(path, "header is not UTF-8 text") from None
    header = parse_json(path, text, "header")
    if not isinstance(header, dict):
        raise FileFormatError(path, "header is not a JSON object")
    return count, header


def _metadata(path: Path, meta, kind: str, versions: tuple) -> dict:
    found = meta.get("format") if isinstance(meta, dict) else None
    if found != kind:
        raise FileFormatError(path, f"not a {kind} file (format {found!r})")
    if not all(isinstance(v, str) for v in meta.values()):
        raise FileFormatError(path, "metadata values must all be strings")
    if meta.get("version") not in tuple(str(v) for v in versions):
        raise FileFormatError(path, f"{kind} version {meta.get('version')!r} is not one this version "
                                    f"of tinygrad_edu reads ({', '.join(map(str, versions))})")
    if "structure" not in meta:
        raise FileFormatError(path, "metadata has no structure")
    return meta


def parse_json(path: Path, text: str, what: str):
    """JSON from a file, refused as a FileFormatError if invalid, with a key given twice, or too deep."""
    try:
        value = json.loads(text, object_pairs_hook=_unique_keys)
    except (ValueError, RecursionError) as err:
        raise FileFormatError(path, f"{what} is not valid JSON ({err})") from None
    if depth(value) > MAX_NESTING:
        raise FileFormatError(path, f"{what} is nested deeper than {MAX_NESTING} levels")
    return value


def _unique_keys(pairs: list) -> dict:
    """json's hook for objects: a key given twice would silently hide the first value, so it is refused."""
    seen = set()
    for key, _ in pairs:
        if key in seen:
            raise ValueError(f"key {key!r} appears twice")
        seen.add(key)
    return dict(pairs)


def depth(value) -> int:
    """Nesting depth of JSON data, walked without recursion (a hostile file may nest deeply)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, (list, tuple)):
            stack.extend((child, level + 1) for child in item)
    return deepest


def _entries(path: Path, header: dict, data_bytes: int) -> dict:
    """name -> (dtype, shape, begin, end), every field checked, and the ranges checked to tile the data."""
    entries = {name: _entry(path, name, entry) for name, entry in header.items()}
    position = 0
    for name, (_, _, begin, end) in sorted(entries.items(), key=lambda item: item[1][2:]):
        if begin != position:
            problem = "overlaps the array before it" if begin < position else f"leaves bytes {position}.." \
                      f"{begin} unused"
            raise FileFormatError(path, f"array {name!r} starts at data byte {begin} and {problem}")
        position = end
    if position != data_bytes:
        raise FileFormatError(path, f"the arrays cover {position} data bytes but the file holds "
                                    f"{data_bytes}: truncated, or extra bytes at the end")
    return entries


def _entry(path: Path, name: str, entry) -> tuple:
    if not isinstance(entry, dict) or set(entry) != {"dtype", "shape", "data_offsets"}:
        raise FileFormatError(path, f"array {name!r} is not described by exactly dtype, shape and "
                                    f"data_offsets (got {short(entry)})")
    if entry["dtype"] not in DTYPES:
        raise FileFormatError(path, f"array {name!r} has unsupported dtype {short(entry['dtype'])}; "
                                    f"expected one of {', '.join(DTYPES)}")
    shape, offsets = entry["shape"], entry["data_offsets"]
    if not (isinstance(shape, list) and len(shape) <= MAX_DIMS
            and all(type(s) is int and s >= 0 for s in shape)):
        raise FileFormatError(path, f"array {name!r} has an invalid shape {short(shape)} (at most "
                                    f"{MAX_DIMS} non-negative ints)")
    if not (isinstance(offsets, list) and len(offsets) == 2
            and all(type(o) is int and o >= 0 for o in offsets) and offsets[0] <= offsets[1]):
        raise FileFormatError(path, f"array {name!r} has invalid data offsets {short(offsets)}")
    dtype = np.dtype(DTYPES[entry["dtype"]]).newbyteorder("<")
    if math.prod(s or 1 for s in shape) * dtype.itemsize > MAX_ELEMENT_BYTES:
        raise FileFormatError(path, f"array {name!r} declares shape {shape}, larger than any array can be")
    nbytes = math.prod(shape) * dtype.itemsize
    begin, end = offsets
    if end - begin != nbytes:
        raise FileFormatError(path, f"array {name!r} declares shape {shape} of {entry['dtype']} "
                                    f"({nbytes} bytes) but data bytes {begin}..{end} ({end - begin} bytes)")
    return dtype, tuple(shape), begin, end


def short(value) -> str:
    """repr() cut to a line, for messages about hostile values (which may be huge)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
