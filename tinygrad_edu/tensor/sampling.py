"""Sampling from distributions given by tensors: multinomial (a character model's next letter), normal
with tensor mean/std, bernoulli.

Draws happen on the host from a `Generator` (random.py), then move to the input's device. `normal`
with tensor arguments is the reparameterization mean + std·ε, so gradients flow to mean (1) and std
(ε), as PyTorch's do; the indices of multinomial and the 0/1 draws of bernoulli carry none.
"""
import numbers

import numpy as np

from .. import backend
from .core import Tensor, expect_tensor
from .creation import _finish
from .random import numpy_rng


def multinomial(input, num_samples: int, replacement: bool = False, *, generator=None) -> Tensor:
    """Draw `num_samples` category indices per row of non-negative weights `input` (1-D or 2-D; the
    weights need not add up to 1). Without replacement every index appears at most once per row."""
    expect_tensor(input, "multinomial")
    if input.ndim not in (1, 2):
        raise RuntimeError(f"multinomial: expected a 1-D or 2-D tensor of weights, got shape {input.shape}")
    if not isinstance(num_samples, numbers.Integral) or num_samples <= 0:
        raise RuntimeError(f"multinomial: num_samples must be a positive int, got {num_samples!r}")
    weights = backend.to_host(input.array).astype(np.float64).reshape(-1, input.shape[-1])
    if not np.all(np.isfinite(weights)) or np.any(weights < 0):
        raise RuntimeError("multinomial: the weights contain inf, nan or a negative value")
    totals = weights.sum(axis=1)
    if np.any(totals <= 0):
        raise RuntimeError("multinomial: a row of weights adds up to 0, so it is no distribution")
    rng = numpy_rng(generator, "multinomial")
    if replacement:
        cdf = np.cumsum(weights, axis=1) / totals[:, None]
        draws = rng.random((len(weights), num_samples))
        picks = np.stack([np.searchsorted(c, u, side="right") for c, u in zip(cdf, draws)])
        picks = np.minimum(picks, weights.shape[1] - 1)
    else:
        if num_samples > int(np.min((weights > 0).sum(axis=1))):
            raise RuntimeError(
                f"multinomial: cannot draw {num_samples} samples without replacement from a row with "
                f"fewer nonzero weights (shape {input.shape})"
            )
        # exponential races: the category whose Exp(1)/weight arrives first is drawn first, and so on
        keys = np.full(weights.shape, np.inf)
        np.divide(rng.exponential(size=weights.shape), weights, out=keys, where=weights > 0)
        picks = np.argsort(keys, axis=1, kind="stable")[:, :num_samples]
    picks = picks.astype(np.int64).reshape(input.shape[:-1] + (num_samples,))
    return Tensor(backend.to_device(picks, input.device))


def normal(mean=0.0, std=1.0, size=None, *, generator=None, dtype=None, device=None,
           requires_grad: bool = False) -> Tensor:
    """normal(0.0, 1.0, size=(3,)) like randn scaled; normal(mean_tensor, std) draws one value per
    element of the broadcast shape of mean and std."""
    rng = numpy_rng(generator, "normal")
    if not isinstance(mean, Tensor) and not isinstance(std, Tensor):
        if size is None:
            raise TypeError("normal: with a number mean and std, give size=(...)")
        if std < 0:
            raise ValueError(f"normal: std must be >= 0, got {std}")
        return _finish(rng.normal(mean, std, size=tuple(size)), dtype, device, requires_grad, "normal")
    like = mean if isinstance(mean, Tensor) else std
    if isinstance(std, Tensor) and bool((std < 0).any()) or not isinstance(std, Tensor) and std < 0:
        raise ValueError("normal: std must be >= 0 everywhere")
    shapes = [t.shape for t in (mean, std) if isinstance(t, Tensor)]
    shape = np.broadcast_shapes(*shapes)
    float_dtype = like.dtype if like.dtype.kind == "f" else np.dtype("float32")
    noise = backend.to_device(rng.standard_normal(shape).astype(float_dtype), like.device)
    return mean + std * Tensor(noise)


def bernoulli(input, p=None, *, generator=None) -> Tensor:
    """0/1 draws (in input's dtype), 1 with probability `input` (or `p` everywhere, when given)."""
    expect_tensor(input, "bernoulli")
    probs = backend.to_host(input.array) if p is None else np.full(input.shape, p)
    if np.any((probs < 0) | (probs > 1)):
        raise ValueError("bernoulli: probabilities must lie in [0, 1]")
    draws = numpy_rng(generator, "bernoulli").random(input.shape) < probs
    return Tensor(backend.to_device(draws.astype(input.dtype), input.device))
