"""Datasets and loaders: TensorDataset, DataLoader, 2-D teaching sets, the 8x8 digits, IDX files."""
from .dataset import Dataset, TensorDataset
from .distributed import DistributedSampler
from .digits import load_digits, train_test_split
from .idx import read_idx
from .loader import DataLoader
from .toy2d import make_circles, make_gaussians, make_moons, make_spiral, make_xor

__all__ = ["Dataset", "TensorDataset", "DataLoader", "load_digits", "train_test_split", "read_idx",
           "make_moons", "make_circles", "make_spiral", "make_xor", "make_gaussians"]
__all__ += ["DistributedSampler"]
