"""`nn.utils`, as in PyTorch: gradient clipping lives in optim and is reachable from here too."""
from ..optim.clip import clip_grad_norm_

__all__ = ["clip_grad_norm_"]
