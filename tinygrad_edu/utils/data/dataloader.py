"""`torch.utils.data.dataloader`: the DataLoader of tinygrad_edu.data (the same objects)."""
from ...data.collate import default_collate, default_convert
from ...data.loader import DataLoader, get_worker_info

__all__ = ["DataLoader", "default_collate", "default_convert", "get_worker_info"]
