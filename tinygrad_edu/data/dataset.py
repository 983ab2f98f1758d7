"""Datasets: anything with `len()` and `[i]`, as in PyTorch; `TensorDataset` zips equal-length arrays;
`Subset`, `random_split` and `ConcatDataset` combine datasets; an `IterableDataset` is a stream."""
import bisect
import math

import numpy as np

from ..tensor import Tensor
from ..tensor.random import numpy_rng


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
        return tuple(Tensor(a[index]) for a in self.arrays)

    @property
    def tensors(self) -> tuple:
        """The whole arrays as Tensors (PyTorch's attribute of the same name)."""
        return tuple(Tensor(a) for a in self.arrays)


class IterableDataset(Dataset):
    """A stream of samples: subclasses define `__iter__` (the DataLoader batches what it yields)."""

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__}: an IterableDataset must define __iter__")

    def __len__(self):
        raise TypeError(f"{type(self).__name__}: an IterableDataset has no length")


class Subset(Dataset):
    """The items of `dataset` at `indices`, in that order."""

    def __init__(self, dataset, indices):
        self.dataset, self.indices = dataset, [int(i) for i in indices]

    def __len__(self):
        return len(self.indices)

    def __getitem__(self, index):
        return self.dataset[self.indices[index]]


class ConcatDataset(Dataset):
    """Several datasets one after the other."""

    def __init__(self, datasets):
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("ConcatDataset: expected at least one dataset")
        self.ends = list(np.cumsum([len(d) for d in self.datasets]))

    def __len__(self):
        return int(self.ends[-1])

    def __getitem__(self, index):
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"ConcatDataset: index {index} is out of range for length {len(self)}")
        k = bisect.bisect_right(self.ends, index)
        return self.datasets[k][index - (int(self.ends[k - 1]) if k else 0)]


def random_split(dataset, lengths, generator=None) -> list:
    """Split into non-overlapping Subsets of the given lengths, or fractions adding up to 1 (the
    remainder goes to the first splits, as in PyTorch); the order comes from `generator`."""
    n = len(dataset)
    lengths = list(lengths)
    if lengths and all(isinstance(x, float) for x in lengths) and math.isclose(sum(lengths), 1.0):
        sizes = [int(math.floor(n * f)) for f in lengths]
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
        lengths = sizes
    if sum(lengths) != n or any(x < 0 for x in lengths):
        raise ValueError(f"random_split: lengths {lengths} must be non-negative and add up to the dataset's "
                         f"length {n} (or be fractions adding up to 1)")
    order = numpy_rng(generator, "random_split").permutation(n).tolist()
    splits, start = [], 0
    for size in lengths:
        splits.append(Subset(dataset, order[start:start + size]))
        start += size
    return splits
