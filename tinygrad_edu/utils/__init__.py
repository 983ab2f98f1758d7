"""`tinygrad_edu.utils`, laid out as `torch.utils` (for `torch.utils.data`)."""
from . import data

__all__ = ["data"]
