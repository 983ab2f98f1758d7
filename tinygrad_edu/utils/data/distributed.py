"""`torch.utils.data.distributed`: the DistributedSampler of tinygrad_edu.data (the same object)."""
from ...data.distributed import DistributedSampler

__all__ = ["DistributedSampler"]
