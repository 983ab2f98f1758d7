"""`save`/`load` for checkpoints: state dicts and other plain data, in a safetensors file.

Every array or Tensor in the object becomes one safetensors array named by where it sits
(`model.0.weight`); everything else (dicts, lists, tuples, numbers, strings, None) becomes a JSON tree
in the file's metadata whose leaves name those arrays. So PyTorch reads the same file with
`safetensors.torch.load_file`: a saved `model.state_dict()` loads into the same PyTorch model with
`load_state_dict`. Loading never runs code and checks the whole file first (archive.py); a damaged
file is one `FileFormatError` naming the file.

Checkpoints in the zip format that tinygrad_edu wrote before (version 1) still load, through a reader
just as strict (legacy_checkpoint.py); saving what they hold converts them.
"""
from pathlib import Path

import numpy as np

from . import archive, legacy_checkpoint
from .archive import FileFormatError
from .backend import XP_BY_TYPE
from .tensor import Tensor, to_numpy

FORMAT = "tinygrad_edu.checkpoint"
VERSION = 2


def _where(parts: tuple) -> str:
    return "obj" + "".join(f"[{p!r}]" for p in parts)


class _Encoder:
    """Turns a nested object into a JSON-able tree plus the arrays it names."""

    def __init__(self):
        self.arrays = {}

    def _array_ref(self, x, parts: tuple) -> str:
        array = to_numpy(x)
        if array.dtype.kind not in "biuf":
            raise TypeError(f"save: cannot store an array of dtype {array.dtype} at {_where(parts)}: "
                            "only bool, integer and floating point data")
        base = ".".join(str(p) for p in parts) or "obj"
        base = base.encode("utf-8", "backslashreplace").decode("utf-8")  # lone surrogates in keys
        name, n = base, 1
        while name in self.arrays or name == "__metadata__":
            name, n = f"{base}~{n}", n + 1
        self.arrays[name] = array
        return name

    def encode(self, obj, parts: tuple = ()):
        if obj is None or isinstance(obj, (bool, int, float, str)):
            return obj
        if isinstance(obj, np.generic):
            return obj.item()
        if isinstance(obj, Tensor):
            return {"tensor": self._array_ref(obj, parts), "requires_grad": bool(obj.requires_grad)}
        if isinstance(obj, np.ndarray) or type(obj) in XP_BY_TYPE:
            return {"array": self._array_ref(obj, parts)}
        if isinstance(obj, (list, tuple)):
            items = [self.encode(v, parts + (i,)) for i, v in enumerate(obj)]
            return {"list" if isinstance(obj, list) else "tuple": items}
        if isinstance(obj, dict):
            for k in obj:
                if not isinstance(k, (str, int)) or isinstance(k, bool):
                    raise TypeError(f"save: dict keys must be str or int, got {k!r} at {_where(parts)}")
            return {"dict": [[k, self.encode(v, parts + (k,))] for k, v in obj.items()]}
        raise TypeError(f"save: cannot store {type(obj).__name__} at {_where(parts)}; expected dicts, lists, "
                        "tuples, numbers, strings, None, arrays or Tensors")


def save(obj, path) -> None:
    """Write `obj` (e.g. `{"model": model.state_dict(), "optimizer": opt.state_dict()}`) to `path`,
    atomically: a crash mid-save leaves the previous file intact."""
    encoder = _Encoder()
    tree = encoder.encode(obj)
    archive.write(path, encoder.arrays, tree, FORMAT, VERSION)


class _Decoder:
    """Rebuilds the object from the tree, checking every node; a bad one is a FileFormatError."""

    def __init__(self, path, arrays: dict):
        self.path, self.arrays = path, arrays

    def fail(self, parts: tuple, problem: str):
        raise FileFormatError(self.path, f"structure at {_where(parts)}: {problem}")

    def array(self, name, parts: tuple) -> np.ndarray:
        if not isinstance(name, str) or name not in self.arrays:
            self.fail(parts, f"refers to array {name!r}, which the file does not contain")
        return self.arrays[name]

    def decode(self, node, parts: tuple = ()):
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        if not isinstance(node, dict) or not node:
            self.fail(parts, f"unexpected entry {archive.short(node)}")
        tag = next(iter(node))
        if tag == "tensor" and set(node) == {"tensor", "requires_grad"}:
            return self.tensor(node, parts)
        if len(node) != 1:
            self.fail(parts, f"entry has keys {sorted(node)}, expected one")
        value = node[tag]
        if tag == "array":
            return self.array(value, parts)
        if tag in ("list", "tuple") and isinstance(value, list):
            items = [self.decode(v, parts + (i,)) for i, v in enumerate(value)]
            return items if tag == "list" else tuple(items)
        if tag == "dict" and isinstance(value, list):
            return self.dict(value, parts)
        self.fail(parts, f"unknown entry {archive.short(node)}")

    def tensor(self, node, parts: tuple) -> Tensor:
        array, requires_grad = self.array(node["tensor"], parts), node["requires_grad"]
        if not isinstance(requires_grad, bool) or requires_grad and array.dtype.kind != "f":
            self.fail(parts, f"requires_grad={requires_grad!r} for a tensor of dtype {array.dtype}")
        return Tensor(array, requires_grad=requires_grad)

    def dict(self, pairs: list, parts: tuple) -> dict:
        out = {}
        for pair in pairs:
            if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], (str, int))
                    and not isinstance(pair[0], bool)):
                self.fail(parts, f"bad dict entry {archive.short(pair)}")
            if pair[0] in out:
                self.fail(parts, f"key {pair[0]!r} appears twice")
            out[pair[0]] = self.decode(pair[1], parts + (pair[0],))
        return out


def load(path):
    """Read a checkpoint written by `save` (or by an older tinygrad_edu). Arrays come back as NumPy arrays,
    Tensors as Tensors; a file that is damaged or not a checkpoint raises FileFormatError (a ValueError)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"load: no such file: {path}")
    if legacy_checkpoint.is_legacy(path):
        arrays, tree = legacy_checkpoint.read(path)
    else:
        arrays, tree = archive.read(path, FORMAT, (VERSION,))
    return _Decoder(path, arrays).decode(tree)
