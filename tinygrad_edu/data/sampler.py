"""Samplers: which dataset indices a DataLoader visits, in which order, and how they are grouped.

As in PyTorch, a sampler is any iterable of indices with a length; a batch sampler yields lists of
indices. Random samplers draw from a `Generator` (the one given, else the default one that
`manual_seed` seeds), a fresh order every epoch, the same orders in every run.
"""
import numbers

import numpy as np

from ..tensor import Tensor
from ..tensor.random import numpy_rng


class Sampler:
    """Base class: subclasses define `__iter__` (indices) and `__len__`."""

    def __init__(self, data_source=None):
        self.data_source = data_source

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__}: subclasses of Sampler must define __iter__")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__}: subclasses of Sampler must define __len__")


class SequentialSampler(Sampler):
    """0, 1, 2, ... in order."""

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


def _positive_int(value, where: str, what: str) -> int:
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{where}: {what} must be a positive int, got {value!r}")
    return int(value)


class RandomSampler(Sampler):
    """A random order of all indices each epoch (or `num_samples` draws with replacement)."""

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        super().__init__(data_source)
        if not isinstance(replacement, bool):
            raise TypeError(f"RandomSampler: replacement must be a bool, got {replacement!r}")
        self.replacement, self.generator = replacement, generator
        self._num_samples = None if num_samples is None else _positive_int(num_samples, "RandomSampler",
                                                                          "num_samples")
        numpy_rng(generator, "RandomSampler")  # a wrong generator fails here, not in the first epoch

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self):
        n, rng = len(self.data_source), numpy_rng(self.generator, "RandomSampler")
        if self.replacement:
            return iter(rng.integers(0, n, size=self.num_samples).tolist())
        rounds = -(-self.num_samples // n) if n else 0  # num_samples > n: whole permutations, then a cut
        order = np.concatenate([rng.permutation(n) for _ in range(rounds)] or [np.zeros(0, np.int64)])
        return iter(order[: self.num_samples].tolist())

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices, in a random order each epoch."""

    def __init__(self, indices, generator=None):
        super().__init__(None)
        self.indices, self.generator = list(indices), generator

    def __iter__(self):
        order = numpy_rng(self.generator, "SubsetRandomSampler").permutation(len(self.indices))
        return iter([self.indices[i] for i in order])

    def __len__(self):
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """`num_samples` indices drawn with probability proportional to `weights` (e.g. to balance classes)."""

    def __init__(self, weights, num_samples, replacement=True, generator=None):
        super().__init__(None)
        w = np.asarray(weights.numpy() if isinstance(weights, Tensor) else weights, dtype=np.float64)
        if w.ndim != 1 or not len(w) or np.any(w < 0) or not np.all(np.isfinite(w)) or w.sum() <= 0:
            raise ValueError("WeightedRandomSampler: weights must be a non-empty 1-D sequence of "
                             "non-negative numbers with a positive sum")
        self.weights, self.replacement, self.generator = w, replacement, generator
        self.num_samples = _positive_int(num_samples, "WeightedRandomSampler", "num_samples")
        if not replacement and self.num_samples > int((w > 0).sum()):
            raise ValueError(f"WeightedRandomSampler: cannot draw {self.num_samples} indices without "
                             f"replacement from {int((w > 0).sum())} with nonzero weight")

    def __iter__(self):
        rng = numpy_rng(self.generator, "WeightedRandomSampler")
        picks = rng.choice(len(self.weights), size=self.num_samples, replace=self.replacement,
                           p=self.weights / self.weights.sum())
        return iter(picks.tolist())

    def __len__(self):
        return self.num_samples


class BatchSampler(Sampler):
    """Groups another sampler's indices into lists of `batch_size` (the last one shorter unless
    `drop_last`)."""

    def __init__(self, sampler, batch_size, drop_last):
        super().__init__(None)
        self.sampler = sampler
        self.batch_size = _positive_int(batch_size, "BatchSampler", "batch_size")
        if not isinstance(drop_last, bool):
            raise TypeError(f"BatchSampler: drop_last must be a bool, got {drop_last!r}")
        self.drop_last = drop_last

    def __iter__(self):
        batch = []
        for index in self.sampler:
            batch.append(index)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self):
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
