"""Datasets: anything with `len()` and `[i]`, as in PyTorch; `TensorDataset` zips equal-length arrays."""
import numpy as np

from ..tensor import Tensor


class Dataset:
    """Base class: subclasses define `__len__` and `__getitem__` returning one sample."""

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__}: subclasses of Dataset must define __len__")

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__}: subclasses of Dataset must define __getitem__")


def _as_array(x):
    """Tensors keep their array in `.array`; everything else goes through NumPy."""
    return x.array if isinstance(x, Tensor) else np.asarray(x)


class TensorDataset(Dataset):
    """Samples are rows: item i is the tuple of row i of every given array or Tensor."""

    def __init__(self, *arrays):
        if not arrays:
            raise ValueError("TensorDataset: expected at least one array, got none")
        self.arrays = tuple(_as_array(a) for a in arrays)
        lengths = [a.shape[0] if a.ndim else None for a in self.arrays]
        if None in lengths or len(set(lengths)) != 1:
            shapes = [tuple(a.shape) for a in self.arrays]
            raise ValueError(f"TensorDataset: every array needs the same first dimension, got {shapes}")

    def __len__(self):
        return self.arrays[0].shape[0]

    def __getitem__(self, index):
        return tuple(a[index] for a in self.arrays)
