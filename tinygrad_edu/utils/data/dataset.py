"""`torch.utils.data.dataset`: the datasets of tinygrad_edu.data (the same objects)."""
from ...data.dataset import ConcatDataset, Dataset, IterableDataset, Subset, TensorDataset, random_split

__all__ = ["Dataset", "TensorDataset", "IterableDataset", "Subset", "ConcatDataset", "random_split"]
