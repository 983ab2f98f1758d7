"""`torch.utils.data`'s module path for `tinygrad_edu.data`: the same classes and functions, so
`from tinygrad_edu.utils.data import DataLoader` is `tinygrad_edu.data.DataLoader`."""
from ...data import (
    BatchSampler,
    ConcatDataset,
    DataLoader,
    Dataset,
    DistributedSampler,
    IterableDataset,
    RandomSampler,
    Sampler,
    SequentialSampler,
    Subset,
    SubsetRandomSampler,
    TensorDataset,
    WeightedRandomSampler,
    default_collate,
    default_convert,
    get_worker_info,
    random_split,
)
from . import dataloader, dataset, distributed, sampler

__all__ = ["Dataset", "TensorDataset", "IterableDataset", "Subset", "ConcatDataset", "random_split",
           "DataLoader", "get_worker_info", "default_collate", "default_convert", "Sampler",
           "SequentialSampler", "RandomSampler", "SubsetRandomSampler", "WeightedRandomSampler",
           "BatchSampler", "DistributedSampler", "dataloader", "dataset", "distributed", "sampler"]
