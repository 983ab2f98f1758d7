"""Loss functions and loss modules with PyTorch's arguments: `reduction` is "mean" (default), "sum" or "none".

Class-index targets are turned into one-hot constants, so the loss is an ordinary product
and sum that the graph drawing can show step by step.
"""
from typing import Callable

import numpy as np

from ..backend import xp_of
from ..errors import ShapeError
from ..tensor import Tensor
from .module import Module

_REDUCTIONS = ("mean", "sum", "none")


def check_reduction(name, reduction):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{name}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def _reduce(name, loss, reduction):
    check_reduction(name, reduction)
    if reduction == "mean":
        return loss.mean()
    return loss.sum() if reduction == "sum" else loss


def _same_shape(name, input, target):
    if tuple(input.shape) != tuple(target.shape):
        raise ValueError(f"{name}: input and target must have the same shape, got {tuple(input.shape)} "
                         f"and {tuple(target.shape)}")


def _tensor(x, like):
    return x if isinstance(x, Tensor) else Tensor(xp_of(like.array).asarray(x, dtype=like.array.dtype))


def mse_loss(input, target, reduction="mean"):
    target = _tensor(target, input)
    _same_shape("mse_loss", input, target)
    diff = input - target
    return _reduce("mse_loss", diff * diff, reduction)


def l1_loss(input, target, reduction="mean"):
    target = _tensor(target, input)
    _same_shape("l1_loss", input, target)
    return _reduce("l1_loss", (input - target).abs(), reduction)


def _classes_last(x):
    """(N, C, d1, ...) -> (N*d1*..., C) so every loss below sees one row per prediction."""
    if x.ndim <= 2:
        return x.reshape(-1, x.shape[-1]) if x.ndim == 2 else x.reshape(1, -1)
    order = (0,) + tuple(range(2, x.ndim)) + (1,)
    return x.permute(*order).reshape(-1, x.shape[1])


def _nll_from_log_probs(name, logp, target, weight, ignore_index, reduction, label_smoothing=0.0):
    """Shared by nll_loss and cross_entropy: logp is (N, C, ...) log-probabilities, target class indices."""
    check_reduction(name, reduction)
    if logp.ndim == 0:
        raise ShapeError(f"{name}: expected an input of shape (N, C, ...) or (C,), got a 0-d tensor")
    C = logp.shape[1] if logp.ndim > 1 else logp.shape[0]
    t = target.array if isinstance(target, Tensor) else np.asarray(target)
    xp = xp_of(logp.array)
    t = xp.asarray(t)
    expected = (tuple(logp.shape[:1]) + tuple(logp.shape[2:])) if logp.ndim > 1 else ()
    if tuple(t.shape) != expected:
        raise ValueError(f"{name}: target of shape {tuple(t.shape)} does not fit input of shape "
                         f"{tuple(logp.shape)}; expected class indices of shape {expected}")
    if t.dtype.kind not in "iu":
        raise TypeError(f"{name}: class-index targets must be integers, got dtype {t.dtype}")
    t = t.reshape(-1)
    valid = t != ignore_index
    if bool(((t[valid] < 0) | (t[valid] >= C)).any()):
        raise IndexError(f"{name}: target values must be in [0, {C}) or ignore_index={ignore_index}, "
                         f"got values in [{int(t.min())}, {int(t.max())}]")
    rows = _classes_last(logp)
    dtype = logp.array.dtype
    w = xp.ones(C, dtype=dtype) if weight is None else xp.asarray(_data(weight), dtype=dtype)
    picked = (t[:, None] == xp.arange(C)) & valid[:, None]
    row_weight = (picked * w).sum(axis=1)
    loss = -(rows * Tensor(picked * w)).sum(axis=1)
    if label_smoothing:
        smooth = -(rows * Tensor(w * valid[:, None].astype(dtype))).sum(axis=1)
        loss = loss * (1 - label_smoothing) + smooth * (label_smoothing / C)
    if reduction == "mean":
        return loss.sum() / float(row_weight.sum())
    if reduction == "sum":
        return loss.sum()
    return loss.reshape(*expected)


def _data(x):
    return x.array if isinstance(x, Tensor) else x


def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):
    """Negative log-likelihood of the target class, given log-probabilities (N, C, ...)."""
    return _nll_from_log_probs("nll_loss", input, target, weight, ignore_index, reduction)


def cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """log_softmax + nll_loss over axis 1 of logits (N, C, ...).

    `target` holds class indices (N, ...), or class probabilities with the input's shape.
    `label_smoothing` mixes the target with the uniform distribution over classes.
    """
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing!r}")
    logp = input.log_softmax(1 if input.ndim > 1 else 0)
    t = _data(target)
    if getattr(t, "dtype", np.dtype(np.int64)).kind == "f":
        return _soft_cross_entropy(logp, target, weight, reduction, label_smoothing)
    return _nll_from_log_probs("cross_entropy", logp, target, weight, ignore_index, reduction,
                               label_smoothing)


def _soft_cross_entropy(logp, target, weight, reduction, label_smoothing):
    """Cross entropy against class probabilities: -sum_c w_c p_c log q_c per prediction."""
    check_reduction("cross_entropy", reduction)
    xp = xp_of(logp.array)
    p = xp.asarray(_data(target), dtype=logp.array.dtype)
    if tuple(p.shape) != tuple(logp.shape):
        raise ValueError(f"cross_entropy: probability targets must have the input's shape "
                         f"{tuple(logp.shape)}, got {tuple(p.shape)}")
    C = logp.shape[1] if logp.ndim > 1 else logp.shape[0]
    if label_smoothing:
        p = p * (1 - label_smoothing) + label_smoothing / C
    if weight is not None:
        w_shape = (1, C) + (1,) * (logp.ndim - 2) if logp.ndim > 1 else (C,)
        p = p * xp.asarray(_data(weight), dtype=p.dtype).reshape(w_shape)
    loss = -(logp * Tensor(p)).sum(axis=1 if logp.ndim > 1 else 0)
    if reduction == "mean":
        return loss.sum() / float(logp.shape[0]) if logp.ndim > 1 else loss
    return loss.sum() if reduction == "sum" else loss


def binary_cross_entropy(input, target, weight=None, reduction="mean"):
    """-(y log p + (1 - y) log(1 - p)) for probabilities p; logs are clamped at -100 as in PyTorch."""
    target = _tensor(target, input)
    _same_shape("binary_cross_entropy", input, target)
    data = input.array
    if bool(((data < 0) | (data > 1)).any()):
        raise ValueError("binary_cross_entropy: input must hold probabilities in [0, 1]; "
                         "use binary_cross_entropy_with_logits for raw scores")
    loss = -(target * input.log().clamp(min=-100) + (1 - target) * (1 - input).log().clamp(min=-100))
    if weight is not None:
        loss = loss * _tensor(weight, input)
    return _reduce("binary_cross_entropy", loss, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, reduction="mean", pos_weight=None):
    """Sigmoid + binary cross entropy in one stable formula: (1 - y) x + (1 + (pw - 1) y) softplus(-x).

    Why: log(sigmoid(x)) underflows to -inf for very negative x; softplus(-x) = log(1 + e^-x) does not.
    """
    target = _tensor(target, input)
    _same_shape("binary_cross_entropy_with_logits", input, target)
    log_weight = 1 if pos_weight is None else 1 + (_tensor(pos_weight, input) - 1) * target
    # threshold=inf: the exact log(1 + e^z) everywhere (softplus's linear shortcut is off by e^-20)
    loss = (1 - target) * input + log_weight * (-input).softplus(threshold=float("inf"))
    if weight is not None:
        loss = loss * _tensor(weight, input)
    return _reduce("binary_cross_entropy_with_logits", loss, reduction)


def hinge_embedding_loss(input, target, margin=1.0, reduction="mean"):
    """x where y = 1, max(0, margin - x) where y = -1: pulls similar pairs together, pushes others apart."""
    t = xp_of(input.array).asarray(_data(target))
    if tuple(t.shape) != tuple(input.shape):
        raise ValueError(f"hinge_embedding_loss: input and target shapes differ: {tuple(input.shape)} "
                         f"and {tuple(t.shape)}")
    positive = Tensor((t == 1).astype(input.array.dtype))
    negative = Tensor((t == -1).astype(input.array.dtype))
    loss = input * positive + (margin - input).relu() * negative
    return _reduce("hinge_embedding_loss", loss, reduction)


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, reduction="mean"):
    """Multi-class hinge (SVM) loss: mean over wrong classes j of max(0, margin - x[y] + x[j])^p.

    With two classes and scores ±s this is micrograd's max-margin loss relu(1 - y s).
    """
    if p not in (1, 2):
        raise ValueError(f"multi_margin_loss: p must be 1 or 2, got {p!r}")
    if input.ndim not in (1, 2):
        raise ValueError(f"multi_margin_loss: expected input (N, C) or (C,), got {tuple(input.shape)}")
    x = input.reshape(-1, input.shape[-1])
    xp = xp_of(x.array)
    N, C = x.shape
    t = xp.asarray(_data(target)).reshape(-1)
    if t.shape[0] != N or bool(((t < 0) | (t >= C)).any()):
        raise ValueError(f"multi_margin_loss: target must hold {N} class indices in [0, {C}), "
                         f"got {t.tolist()}")
    picked = (t[:, None] == xp.arange(C)).astype(x.array.dtype)
    correct = (x * Tensor(picked)).sum(axis=1, keepdims=True)
    margins = (margin - correct + x).relu()
    if p == 2:
        margins = margins * margins
    if weight is not None:
        margins = margins * Tensor(xp.asarray(_data(weight), dtype=x.array.dtype)[t][:, None])
    loss = (margins * Tensor(1 - picked)).sum(axis=1) / C
    loss = loss if input.ndim == 2 else loss.reshape(())
    return _reduce("multi_margin_loss", loss, reduction)


# ----- the same losses as modules: each stores its options and calls the function above -----
class _Loss(Module):
    function: Callable

    def __init__(self, reduction="mean", **options):
        super().__init__()
        check_reduction(type(self).__name__, reduction)
        self.options = dict(options, reduction=reduction)

    def forward(self, input, target):
        return type(self).function(input, target, **self.options)

    def extra_repr(self):
        return ", ".join(f"{k}={v!r}" for k, v in self.options.items() if k != "weight")


class MSELoss(_Loss):
    function = mse_loss


class L1Loss(_Loss):
    function = l1_loss


class CrossEntropyLoss(_Loss):
    function = cross_entropy

    def __init__(self, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
        super().__init__(reduction, weight=weight, ignore_index=ignore_index, label_smoothing=label_smoothing)


class NLLLoss(_Loss):
    function = nll_loss

    def __init__(self, weight=None, ignore_index=-100, reduction="mean"):
        super().__init__(reduction, weight=weight, ignore_index=ignore_index)


class BCELoss(_Loss):
    function = binary_cross_entropy

    def __init__(self, weight=None, reduction="mean"):
        super().__init__(reduction, weight=weight)


class BCEWithLogitsLoss(_Loss):
    function = binary_cross_entropy_with_logits

    def __init__(self, weight=None, reduction="mean", pos_weight=None):
        super().__init__(reduction, weight=weight, pos_weight=pos_weight)


class HingeEmbeddingLoss(_Loss):
    function = hinge_embedding_loss

    def __init__(self, margin=1.0, reduction="mean"):
        super().__init__(reduction, margin=margin)


class MultiMarginLoss(_Loss):
    function = multi_margin_loss

    def __init__(self, p=1, margin=1.0, weight=None, reduction="mean"):
        super().__init__(reduction, p=p, margin=margin, weight=weight)
