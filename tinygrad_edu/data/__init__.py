"""Datasets and loaders: datasets, samplers and the DataLoader (PyTorch's names), 2-D teaching sets,
the 8x8 digits, IDX files. `tinygrad_edu.utils.data` is the same objects under PyTorch's module path."""
from .collate import default_collate, default_convert
from .dataset import ConcatDataset, Dataset, IterableDataset, Subset, TensorDataset, random_split
from .distributed import DistributedSampler
from .digits import load_digits, train_test_split
from .idx import read_idx
from .loader import DataLoader, get_worker_info
from .sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)
from .toy2d import make_circles, make_gaussians, make_moons, make_spiral, make_xor

__all__ = ["Dataset", "TensorDataset", "IterableDataset", "Subset", "ConcatDataset", "random_split",
           "DataLoader", "get_worker_info", "default_collate", "default_convert", "Sampler",
           "SequentialSampler", "RandomSampler", "SubsetRandomSampler", "WeightedRandomSampler",
           "BatchSampler", "load_digits", "train_test_split", "read_idx",
           "make_moons", "make_circles", "make_spiral", "make_xor", "make_gaussians"]
__all__ += ["DistributedSampler"]
