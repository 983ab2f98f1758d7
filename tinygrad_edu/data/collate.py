"""`default_collate`: turn a list of samples into one batch, as PyTorch's DataLoader does by default.

Samples that are Tensors or arrays are stacked (a new first dimension); Python floats become a
float64 tensor and ints an int64 one (PyTorch's rule); strings stay a list; tuples, lists and dicts
are collated field by field. A sample that does not fit the others is named in the error, so the
dataset entry to look at is known.
"""
import numbers

import numpy as np

from .. import backend
from ..errors import ShapeError
from ..tensor import Tensor


def _host(value) -> np.ndarray:
    return backend.to_host(value.array) if isinstance(value, Tensor) else np.asarray(value)


def _stack(samples: list, where: str, names: list) -> Tensor:
    arrays = [_host(s) for s in samples]
    first = arrays[0]
    for name, a in zip(names, arrays):
        if a.shape != first.shape:
            raise ShapeError(f"{where}: cannot stack samples of different shapes into one batch: {names[0]} "
                             f"has shape {tuple(first.shape)}, {name} has shape {tuple(a.shape)}; give the "
                             "DataLoader a collate_fn that pads them, or use batch_size=1")
        if a.dtype == object or a.dtype.kind not in "biuf":
            raise TypeError(f"{where}: {name} holds no numeric array (NumPy dtype {a.dtype})")
    device = samples[0].device if isinstance(samples[0], Tensor) else None
    return Tensor(np.stack(arrays), device=device)


def default_collate(batch, where: str = "default_collate", names=None):
    """A list of samples -> one batch of the same structure, with Tensors where the samples held
    numbers, arrays or Tensors. `names` (one per sample, e.g. "dataset[7]") label them in errors."""
    if not isinstance(batch, (list, tuple)) or not batch:
        raise TypeError(f"{where}: expected a non-empty list of samples, got {type(batch).__name__}")
    names = [f"sample {k}" for k in range(len(batch))] if names is None else list(names)
    first = batch[0]
    for name, sample in zip(names, batch):
        if type(sample) is not type(first) and not (isinstance(sample, numbers.Number)
                                                     and isinstance(first, numbers.Number)):
            raise TypeError(f"{where}: {name} is a {type(sample).__name__} but {names[0]} is a "
                            f"{type(first).__name__}; every sample needs the same structure")
    if isinstance(first, (Tensor, np.ndarray, np.generic)):
        return _stack(list(batch), where, names)
    if isinstance(first, bool):
        return Tensor(np.array(batch, dtype=bool))
    if isinstance(first, numbers.Integral):
        return Tensor(np.array(batch, dtype=np.int64))
    if isinstance(first, numbers.Real):
        return Tensor(np.array(batch, dtype=np.float64))
    if isinstance(first, (str, bytes)):
        return list(batch)
    if isinstance(first, dict):
        return {key: default_collate([s[key] for s in batch], where, [f"{n}[{key!r}]" for n in names])
                for key in first}
    if isinstance(first, (tuple, list)):
        lengths = {len(s) for s in batch}
        if len(lengths) != 1:
            raise ShapeError(f"{where}: samples have different numbers of fields {sorted(lengths)}")
        fields = [default_collate(list(column), where, [f"{n}[{i}]" for n in names])
                  for i, column in enumerate(zip(*batch))]
        return tuple(fields) if isinstance(first, tuple) else fields
    raise TypeError(f"{where}: cannot batch samples of type {type(first).__name__}; expected Tensors, "
                    "arrays, numbers, strings, or tuples/lists/dicts of them (or give a collate_fn)")


def default_convert(sample):
    """One sample without batching (batch_size=None): arrays and numbers become Tensors."""
    if isinstance(sample, Tensor):
        return sample
    if isinstance(sample, (np.ndarray, np.generic)):
        return Tensor(sample)
    if isinstance(sample, dict):
        return {k: default_convert(v) for k, v in sample.items()}
    if isinstance(sample, (tuple, list)):
        return type(sample)(default_convert(v) for v in sample)
    return sample
