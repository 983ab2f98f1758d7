"""Reading checkpoints in the zip + .npy format that tinygrad_edu wrote before safetensors (version 1).

Why keep a reader: checkpoints users already have must still load (and `save` then writes them in the
new format). Why it is this strict: a zip member may be compressed (a small file then inflates to
gigabytes) or encrypted, and an .npy header may declare any shape. Only what the old writer produced is
accepted: uncompressed members named `header.json` and `a<i>.npy`, numeric arrays whose declared size
is exactly their member's, every size checked before anything is allocated, and every problem the one
`FileFormatError` that safetensors files get.
"""
import re
import struct
import zipfile
from pathlib import Path

import numpy as np

from .archive import MAX_DIMS, MAX_HEADER_BYTES, FileFormatError, parse_json, short

FORMAT = "tinygrad_edu.checkpoint"
VERSION = 1
_HEADER = "header.json"
_ARRAY = re.compile(r"a\d{1,9}\.npy")
# what zipfile and numpy's .npy parser raise on damaged input (the file is refused in every case)
_NPY_HEADERS = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
_DAMAGE = (zipfile.BadZipFile, EOFError, OSError, ValueError, KeyError, IndexError, OverflowError,
           struct.error, NotImplementedError, RuntimeError)


def is_legacy(path: Path) -> bool:
    """A zip file (its local-header signature) rather than safetensors (whose first 8 bytes are a size)."""
    with open(path, "rb") as f:
        return f.read(4) == b"PK\x03\x04"


def read(path: Path) -> tuple:
    """(arrays by name, the header's tree) of a version 1 checkpoint, all of it checked."""
    size = path.stat().st_size
    try:
        with zipfile.ZipFile(path) as zf:
            members = _members(path, zf.infolist(), size)
            header = parse_json(path, _text(path, zf.read(members.pop(_HEADER))), _HEADER)
            arrays = {name[:-4]: _array(path, zf, info) for name, info in members.items()}
    except FileFormatError:
        raise
    except _DAMAGE as err:
        raise FileFormatError(path, f"damaged zip checkpoint ({type(err).__name__}: {err})") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT or header.get("version") != VERSION:
        raise FileFormatError(path, f"{_HEADER} does not describe a version {VERSION} checkpoint")
    return arrays, header.get("tree")


def _members(path: Path, infos: list, size: int) -> dict:
    members = {}
    for info in infos:
        name = info.filename
        if name != _HEADER and not _ARRAY.fullmatch(name):
            raise FileFormatError(path, f"not a tinygrad_edu checkpoint: it holds zip member {short(name)}")
        if name in members:
            raise FileFormatError(path, f"zip member {name!r} appears twice")
        if info.compress_type != zipfile.ZIP_STORED or info.flag_bits & 0x1:
            raise FileFormatError(path, f"zip member {name!r} is compressed or encrypted; checkpoints "
                                        "never are")
        if info.file_size != info.compress_size or info.file_size > size:
            raise FileFormatError(path, f"zip member {name!r} declares {info.file_size} bytes in a "
                                        f"{size}-byte file")
        members[name] = info
    if _HEADER not in members:
        raise FileFormatError(path, f"not a tinygrad_edu checkpoint (no {_HEADER} inside)")
    if members[_HEADER].file_size > MAX_HEADER_BYTES:
        raise FileFormatError(path, f"{_HEADER} is larger than {MAX_HEADER_BYTES} bytes")
    return members


def _text(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise FileFormatError(path, f"{_HEADER} is not UTF-8 text") from None


def _array(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> np.ndarray:
    """An .npy member, its header checked against the member's size before the data is read."""
    with zf.open(info) as member:
        name, version = info.filename, np.lib.format.read_magic(member)
        if version not in _NPY_HEADERS:
            raise FileFormatError(path, f"{name} is .npy version {version}, which the old writer never made")
        shape, fortran, dtype = _NPY_HEADERS[version](member)
        if dtype.hasobject or dtype.kind not in "biuf" or dtype.fields is not None:
            raise FileFormatError(path, f"{name} holds dtype {dtype}; only numeric arrays are read")
        if len(shape) > MAX_DIMS:
            raise FileFormatError(path, f"{name} declares {len(shape)} dimensions")
        nbytes = int(np.prod(shape, dtype=object)) * dtype.itemsize
        if nbytes != info.file_size - member.tell():
            raise FileFormatError(path, f"{name} declares shape {shape} of {dtype} ({nbytes} bytes) but "
                                        f"holds {info.file_size - member.tell()} data bytes")
        data = member.read(nbytes)  # reading to the end also checks the member's CRC
    array = np.frombuffer(data, dtype=dtype).reshape(shape, order="F" if fortran else "C")
    return array.astype(dtype.newbyteorder("="), order="K")
