"""`save`/`load` for state dicts and other plain data, in a file that can never run code.

Format: a zip archive holding `header.json` (the structure: dicts, lists, numbers, strings,
with a placeholder for every array) and one `.npy` member per array, written and read with
`allow_pickle=False`. Why not pickle: unpickling a file from the internet runs whatever code
the file asks for. Saving writes a temporary file next to the target and renames it into place,
so a crash mid-save leaves the previous checkpoint intact.
"""
import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from .backend import XP_BY_TYPE
from .tensor import Tensor, to_numpy
from .tensor.location import map_location as move_tensors

FORMAT = "tinygrad_edu.checkpoint"
VERSION = 1
_HEADER = "header.json"


class _Encoder:
    """Turns a nested object into a JSON-able tree plus a list of arrays referenced from it."""

    def __init__(self):
        self.arrays = []

    def _array_ref(self, x):
        array = to_numpy(x)
        if array.dtype.hasobject:
            raise TypeError(f"save: cannot store an object array (dtype {array.dtype}): only numeric data")
        self.arrays.append(array)
        return f"a{len(self.arrays) - 1}"

    def encode(self, obj, where="obj"):
        if obj is None or isinstance(obj, (bool, int, float, str)):
            return obj
        if isinstance(obj, np.generic):
            return obj.item()
        if isinstance(obj, Tensor):
            return {"tensor": self._array_ref(obj), "requires_grad": bool(obj.requires_grad)}
        if isinstance(obj, np.ndarray) or type(obj) in XP_BY_TYPE:
            return {"array": self._array_ref(obj)}
        if isinstance(obj, (list, tuple)):
            items = [self.encode(v, f"{where}[{i}]") for i, v in enumerate(obj)]
            return {"list" if isinstance(obj, list) else "tuple": items}
        if isinstance(obj, dict):
            for k in obj:
                if not isinstance(k, (str, int)) or isinstance(k, bool):
                    raise TypeError(f"save: dict keys must be str or int, got {k!r} at {where}")
            return {"dict": [[k, self.encode(v, f"{where}[{k!r}]")] for k, v in obj.items()]}
        raise TypeError(f"save: cannot store {type(obj).__name__} at {where}; expected dicts, lists, "
                        "tuples, numbers, strings, None, arrays or Tensors")


def save(obj, path):
    """Write `obj` (e.g. `{"model": model.state_dict(), "optimizer": opt.state_dict()}`) to `path`."""
    path = Path(path)
    encoder = _Encoder()
    tree = encoder.encode(obj)
    header = {"format": FORMAT, "version": VERSION, "tree": tree}
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED) as zf:
            zf.writestr(_HEADER, json.dumps(header))
            for i, array in enumerate(encoder.arrays):
                with zf.open(f"a{i}.npy", "w", force_zip64=True) as member:
                    np.lib.format.write_array(member, array, allow_pickle=False)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


class _Decoder:
    """Rebuilds the object from the header tree, reading each array only through `allow_pickle=False`."""

    def __init__(self, path, zf):
        self.path, self.zf, self.members = path, zf, set(zf.namelist())

    def fail(self, where, msg):
        raise ValueError(f"load: {self.path} is corrupt at {where}: {msg}")

    def array(self, name, where):
        if not isinstance(name, str) or f"{name}.npy" not in self.members:
            self.fail(where, f"refers to array {name!r}, which the file does not contain")
        try:
            with self.zf.open(f"{name}.npy") as member:
                return np.lib.format.read_array(member, allow_pickle=False)
        except ValueError as err:
            self.fail(where, f"array {name!r} cannot be read without running code or is damaged ({err})")

    def decode(self, node, where="obj"):
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        if not isinstance(node, dict) or not node:
            self.fail(where, f"unexpected entry {node!r}")
        tag = next(iter(node))
        if tag == "tensor":
            return Tensor(self.array(node["tensor"], where), requires_grad=bool(node.get("requires_grad")))
        if tag == "array":
            return self.array(node["array"], where)
        if tag in ("list", "tuple") and isinstance(node[tag], list):
            items = [self.decode(v, f"{where}[{i}]") for i, v in enumerate(node[tag])]
            return items if tag == "list" else tuple(items)
        if tag == "dict" and isinstance(node["dict"], list):
            out = {}
            for pair in node["dict"]:
                if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], (str, int))):
                    self.fail(where, f"bad dict entry {pair!r}")
                out[pair[0]] = self.decode(pair[1], f"{where}[{pair[0]!r}]")
            return out
        self.fail(where, f"unknown entry kind {tag!r}")


def load(path, map_location=None, *, weights_only=None):
    """Read a file written by `save`. Raises a ValueError naming the file if it is not one or is damaged.
    PyTorch's keywords: `map_location` moves the tensors (tensor/location.py); `weights_only` is
    accepted either way, since these files hold only data and loading one never runs code."""
    if map_location is not None:
        return move_tensors(load(path), map_location)
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"load: no such file: {path}")
    try:
        with zipfile.ZipFile(path) as zf:
            bad = zf.testzip()
            if bad is not None:
                raise ValueError(f"load: {path} is corrupt: member {bad!r} fails its checksum")
            if _HEADER not in zf.namelist():
                raise ValueError(f"load: {path} is not a tinygrad_edu checkpoint (no {_HEADER} inside)")
            try:
                header = json.loads(zf.read(_HEADER).decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as err:
                raise ValueError(f"load: {path} has an unreadable {_HEADER} ({err})") from err
            if not isinstance(header, dict) or header.get("format") != FORMAT:
                raise ValueError(f"load: {path} is not a tinygrad_edu checkpoint (format field missing)")
            if header.get("version") != VERSION:
                raise ValueError(f"load: {path} has format version {header.get('version')!r}; "
                                 f"this tinygrad_edu reads version {VERSION}")
            return _Decoder(path, zf).decode(header.get("tree"))
    except zipfile.BadZipFile as err:
        raise ValueError(f"load: {path} is truncated or not a checkpoint file ({err})") from err
