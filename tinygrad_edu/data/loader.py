"""DataLoader: cuts a dataset into batches of Tensors, shuffling reproducibly when asked."""
import numpy as np

from ..tensor import Tensor
from .dataset import TensorDataset


class DataLoader:
    """Iterate over `dataset` in batches, like `torch.utils.data.DataLoader` (single process).

    `shuffle=True` draws a new order each epoch from a generator seeded with `seed`, so a
    lesson gives the same batches every time it is run. `device="cuda"` puts batches on the GPU.
    A `sampler` (e.g. a DistributedSampler) chooses the indices and their order instead.
    """

    def __init__(self, dataset, batch_size=1, shuffle=False, drop_last=False, seed=None, device=None,
                 sampler=None):
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be a positive int, got {batch_size!r}")
        if not hasattr(dataset, "__len__") or not hasattr(dataset, "__getitem__"):
            raise TypeError(f"DataLoader: dataset must support len() and [i], got {type(dataset).__name__}")
        if sampler is not None and shuffle:
            raise ValueError("DataLoader: sampler and shuffle=True both choose the order; pass one of them "
                             "(a DistributedSampler shuffles itself)")
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.rng = np.random.default_rng(seed)
        self.device = device
        self.sampler = sampler

    def __len__(self):
        n = len(self.dataset) if self.sampler is None else len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def _order(self):
        if self.sampler is not None:
            return np.fromiter(self.sampler, dtype=np.int64)
        n = len(self.dataset)
        return self.rng.permutation(n) if self.shuffle else np.arange(n)

    def _batch(self, idx):
        """A tuple of Tensors for tuple samples (as TensorDataset gives), else one Tensor."""
        if isinstance(self.dataset, TensorDataset):
            # one gather per array, not one per sample
            return tuple(Tensor(c, device=self.device) for c in self.dataset[idx])
        samples = [self.dataset[int(i)] for i in idx]
        if isinstance(samples[0], tuple):
            return tuple(self._stack(col) for col in zip(*samples))
        return self._stack(samples)

    def _stack(self, values):
        return Tensor(np.stack([np.asarray(v) for v in values]), device=self.device)

    def __iter__(self):
        order = self._order()
        stop = len(self) * self.batch_size if self.drop_last else len(order)
        for start in range(0, stop, self.batch_size):
            yield self._batch(order[start:start + self.batch_size])
