"""DataLoader: cuts a dataset into batches of Tensors, with PyTorch's arguments.

The pieces are PyTorch's: a sampler says which indices to visit (sampler.py), a batch sampler
groups them, `collate_fn` turns a list of samples into a batch (collate.py). Workers: tinygrad_edu
loads every batch in the main process, whatever `num_workers` says; `worker_init_fn(i)` is called for
each of the `num_workers` ids at the start of every epoch, so code that seeds per worker still runs,
and `get_worker_info()` returns None, as it does in PyTorch's main process. `pin_memory` is accepted
and has no effect (batches are NumPy arrays until they are moved with `device=` or `.to()`).
"""
import numbers

import numpy as np

from ..tensor import Generator, Tensor
from .collate import default_collate, default_convert
from .dataset import IterableDataset, TensorDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler


def get_worker_info():
    """None: batches are always loaded in the main process here (see the module docstring)."""
    return None


def _check_workers(num_workers, prefetch_factor, persistent_workers, timeout) -> None:
    if not isinstance(num_workers, numbers.Integral) or isinstance(num_workers, bool) or num_workers < 0:
        raise ValueError(f"DataLoader: num_workers must be an int >= 0, got {num_workers!r}")
    if prefetch_factor is not None and num_workers == 0:
        raise ValueError("DataLoader: prefetch_factor only applies with num_workers > 0, as in PyTorch")
    if persistent_workers and num_workers == 0:
        raise ValueError("DataLoader: persistent_workers only applies with num_workers > 0, as in PyTorch")
    if timeout < 0:
        raise ValueError(f"DataLoader: timeout must be >= 0, got {timeout!r}")


class DataLoader:
    """Iterate over `dataset` in batches, like `torch.utils.data.DataLoader`.

    `shuffle=True` visits a new random order each epoch, drawn from `generator` (or from a generator
    seeded with `seed`, or from the default one that `manual_seed` seeds), so a lesson gives the same
    batches every run. `device="cuda"` puts the batches on that device.
    """

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0,
                 collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor=None,
                 persistent_workers=False, pin_memory_device="", in_order=True, seed=None, device=None):
        if batch_size is not None and (not isinstance(batch_size, numbers.Integral) or
                                       isinstance(batch_size, bool) or batch_size < 1):
            raise ValueError(f"DataLoader: batch_size must be a positive int, got {batch_size!r}")
        iterable = isinstance(dataset, IterableDataset)
        if not iterable and (not hasattr(dataset, "__len__") or not hasattr(dataset, "__getitem__")):
            raise TypeError(f"DataLoader: dataset must support len() and [i], got {type(dataset).__name__}")
        _check_workers(num_workers, prefetch_factor, persistent_workers, timeout)
        if iterable and (shuffle or sampler is not None or batch_sampler is not None):
            raise ValueError("DataLoader: an IterableDataset decides its own order: no shuffle, sampler or "
                             "batch_sampler")
        if sampler is not None and shuffle:
            raise ValueError("DataLoader: sampler and shuffle=True both choose the order; pass one of them "
                             "(a DistributedSampler shuffles itself)")
        if batch_sampler is not None and (batch_size != 1 or shuffle or sampler is not None or drop_last):
            raise ValueError("DataLoader: batch_sampler excludes batch_size, shuffle, sampler and drop_last")
        if seed is not None:
            if generator is not None:
                raise ValueError("DataLoader: pass either seed or generator, not both")
            generator = Generator().manual_seed(seed)
        self.dataset, self.num_workers, self.pin_memory = dataset, num_workers, pin_memory
        self.timeout = timeout
        self.worker_init_fn, self.generator, self.device = worker_init_fn, generator, device
        self.prefetch_factor, self.persistent_workers = prefetch_factor, persistent_workers
        self.drop_last, self.shuffle = bool(drop_last), bool(shuffle)
        self._custom_collate = collate_fn is not None
        self.collate_fn = collate_fn if collate_fn is not None else (
            default_convert if batch_size is None and batch_sampler is None else default_collate)
        if iterable:
            self.sampler = self.batch_sampler = None
            self.batch_size = batch_size
            return
        if sampler is None and batch_sampler is None:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_sampler is None and batch_size is not None:
            batch_sampler = BatchSampler(sampler, batch_size, bool(drop_last))
        self.sampler, self.batch_sampler = sampler, batch_sampler
        self.batch_size = None if batch_sampler is None else getattr(batch_sampler, "batch_size", None)

    def __len__(self):
        if isinstance(self.dataset, IterableDataset):
            raise TypeError("DataLoader: an IterableDataset has no length")
        return len(self.sampler if self.batch_sampler is None else self.batch_sampler)

    def __iter__(self):
        for worker_id in range(self.num_workers):
            if self.worker_init_fn is not None:
                self.worker_init_fn(worker_id)
        if isinstance(self.dataset, IterableDataset):
            yield from self._iterable_batches()
        elif self.batch_sampler is None:
            for index in self.sampler:
                yield self._moved(self.collate_fn(self.dataset[index]))
        else:
            for indices in self.batch_sampler:
                yield self._moved(self._batch(list(indices)))

    def _batch(self, indices: list):
        if isinstance(self.dataset, TensorDataset) and not self._custom_collate:
            return tuple(Tensor(a[np.asarray(indices)]) for a in self.dataset.arrays)  # one gather per array
        samples = [self.dataset[i] for i in indices]
        if self._custom_collate:
            return self.collate_fn(samples)
        return self.collate_fn(samples, "DataLoader", [f"dataset[{i}]" for i in indices])

    def _iterable_batches(self):
        if self.batch_size is None:
            for sample in self.dataset:
                yield self._moved(self.collate_fn(sample))
            return
        batch = []
        for sample in self.dataset:
            batch.append(sample)
            if len(batch) == self.batch_size:
                yield self._moved(self.collate_fn(batch))
                batch = []
        if batch and not self.drop_last:
            yield self._moved(self.collate_fn(batch))

    def _moved(self, batch):
        """Put every Tensor of the batch on `device` (when one was given)."""
        if self.device is None:
            return batch
        if isinstance(batch, Tensor):
            return batch.to(self.device)
        if isinstance(batch, dict):
            return {k: self._moved(v) for k, v in batch.items()}
        if isinstance(batch, (tuple, list)):
            return type(batch)(self._moved(v) for v in batch)
        return batch
