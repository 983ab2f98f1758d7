"""Gradient clipping: rescale all gradients together when their combined norm is too large."""
import math

from ..backend import device_of, xp_of
from ..tensor import Tensor


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False):
    """Scale every `.grad` by min(1, max_norm / (total_norm + 1e-6)) in place; return the total norm.

    The total norm is the norm of the vector of all gradients joined together, as in PyTorch.
    """
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    grads = [p.grad.array for p in params if p.grad is not None]
    if not grads:
        return Tensor(0.0)
    xp = xp_of(grads[0])
    norm_type = float(norm_type)
    if norm_type == math.inf:
        total = max(float(xp.abs(g).max()) for g in grads)
    else:
        total = sum(float((xp.abs(g) ** norm_type).sum()) for g in grads) ** (1.0 / norm_type)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"clip_grad_norm_: the total {norm_type}-norm of the gradients is {total}")
    scale = min(1.0, max_norm / (total + 1e-6))
    if scale < 1.0:
        for g in grads:
            g *= scale
    return Tensor(total, dtype=grads[0].dtype, device=device_of(grads[0]))
