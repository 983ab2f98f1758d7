"""`DistributedSampler`: give each rank its own share of the dataset, like PyTorch's.

Every rank draws the same permutation (seeded with `seed + epoch`, so call `set_epoch` each epoch
to reshuffle) and takes every `num_replicas`-th index starting at its rank. The shares are disjoint
and together cover the dataset; when the dataset does not divide evenly, the first indices are
repeated to pad it (or, with `drop_last=True`, the tail is dropped), so every rank runs the same
number of steps, which the all-reduce of every step needs.
"""
import numpy as np

from ..distributed import get_rank, get_world_size, is_initialized


def _from_group(value, getter, what):
    if value is not None:
        return value
    if not is_initialized():
        raise RuntimeError(f"DistributedSampler: {what} not given and no process group is initialized; call "
                           "tinygrad_edu.distributed.init_process_group() first, or pass num_replicas= "
                           "and rank=")
    return getter()


class DistributedSampler:
    """Iterate over this rank's indices of `dataset`; pass it as `DataLoader(..., sampler=sampler)`."""

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0, drop_last=False):
        if not hasattr(dataset, "__len__"):
            raise TypeError(f"DistributedSampler: dataset must support len(), got {type(dataset).__name__}")
        num_replicas = _from_group(num_replicas, get_world_size, "num_replicas")
        rank = _from_group(rank, get_rank, "rank")
        if isinstance(num_replicas, bool) or not isinstance(num_replicas, int) or num_replicas < 1:
            raise ValueError(f"DistributedSampler: num_replicas must be a positive int, got {num_replicas!r}")
        if isinstance(rank, bool) or not isinstance(rank, int) or not 0 <= rank < num_replicas:
            raise ValueError(f"DistributedSampler: rank must be an int from 0 to {num_replicas - 1}, "
                             f"got {rank!r}")
        n = len(dataset)
        if drop_last and n < num_replicas:
            raise ValueError(f"DistributedSampler: drop_last=True leaves nothing: the dataset has {n} "
                             f"samples for {num_replicas} ranks")
        self.dataset, self.num_replicas, self.rank = dataset, num_replicas, rank
        self.shuffle, self.seed, self.drop_last = shuffle, seed, drop_last
        self.epoch = 0
        self.num_samples = n // num_replicas if drop_last else -(-n // num_replicas)
        self.total_size = self.num_samples * num_replicas

    def set_epoch(self, epoch):
        """Draw a new permutation for `epoch` (the same one on every rank)."""
        self.epoch = epoch

    def __iter__(self):
        n = len(self.dataset)
        order = (np.random.default_rng(self.seed + self.epoch).permutation(n) if self.shuffle
                 else np.arange(n))
        if self.total_size > n:                       # pad by repeating from the start
            order = np.resize(order, self.total_size)
        order = order[:self.total_size]
        return iter(order[self.rank::self.num_replicas].tolist())

    def __len__(self):
        return self.num_samples
