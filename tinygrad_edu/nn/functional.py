"""`nn.functional`: the layers as plain functions of Tensors, with PyTorch's names and arguments.

Everything here is composed from Tensor ops, so autograd, drawings and (later) tracing see the
small steps a layer is made of. Convolution, pooling and dropout come from the conv module.
"""
import math
import numbers

import numpy as np

from ..backend import xp_of
from ..errors import ShapeError
from ..tensor import Tensor, avg_pool2d, conv2d, dropout, expect_tensor, max_pool2d, stack
from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge_embedding_loss,
    l1_loss,
    mse_loss,
    multi_margin_loss,
    nll_loss,
)

__all__ = [
    "linear", "bilinear", "relu", "leaky_relu", "gelu", "tanh", "sigmoid", "softmax", "log_softmax",
    "layer_norm", "batch_norm", "embedding", "one_hot", "attention", "scaled_dot_product_attention",
    "adaptive_avg_pool2d", "conv1d", "conv2d", "max_pool2d", "avg_pool2d", "dropout",
    "mse_loss", "l1_loss", "cross_entropy", "nll_loss",
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "hinge_embedding_loss", "multi_margin_loss",
]


def linear(x, weight, bias=None):
    """x @ weight.T + bias, with weight of shape (out_features, in_features)."""
    expect_tensor(x, "linear")
    if x.ndim == 0:
        raise ShapeError(f"linear: expected an input of shape (..., {weight.shape[1]}), got a 0-d tensor")
    if x.shape[-1] != weight.shape[1]:
        raise ShapeError(f"linear: input has {x.shape[-1]} features (shape {tuple(x.shape)}), "
                         f"weight expects {weight.shape[1]} (shape {tuple(weight.shape)})")
    out = x @ weight.T
    return out + bias if bias is not None else out


def bilinear(x1, x2, weight, bias=None):
    """y[n, o] = x1[n] @ weight[o] @ x2[n] + bias[o], with weight of shape (out, in1, in2)."""
    out_f, in1, in2 = weight.shape
    if x1.ndim == 0 or x2.ndim == 0:
        raise ShapeError(f"bilinear: expected inputs of shapes (..., {in1}) and (..., {in2}), got "
                         f"{x1.shape} and {x2.shape}")
    if x1.shape[-1] != in1 or x2.shape[-1] != in2:
        raise ValueError(f"bilinear: inputs have {x1.shape[-1]} and {x2.shape[-1]} features, "
                         f"weight of shape {tuple(weight.shape)} expects {in1} and {in2}")
    lead = tuple(x1.shape[:-1])
    a = x1.reshape(-1, in1) @ weight.permute(1, 0, 2).reshape(in1, out_f * in2)
    out = (a.reshape(-1, out_f, in2) * x2.reshape(-1, 1, in2)).sum(axis=-1).reshape(*lead, out_f)
    return out + bias if bias is not None else out


def relu(x):
    return x.relu()


def leaky_relu(x, negative_slope=0.01):
    return x.leaky_relu(negative_slope)


def gelu(x, approximate="none"):
    return x.gelu(approximate=approximate)


def tanh(x):
    return x.tanh()


def sigmoid(x):
    return x.sigmoid()


def softmax(x, dim=None, axis=None):
    return x.softmax(dim, axis=axis)


def log_softmax(x, dim=None, axis=None):
    return x.log_softmax(dim, axis=axis)


def layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalize over the last len(normalized_shape) axes of each sample, then scale and shift."""
    normalized_shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if tuple(x.shape[-len(normalized_shape):]) != normalized_shape:
        raise ValueError(f"layer_norm: input shape {tuple(x.shape)} does not end in {normalized_shape}")
    axes = tuple(range(x.ndim - len(normalized_shape), x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    centered = x - mean
    var = (centered * centered).mean(axis=axes, keepdims=True)
    out = centered / (var + eps).sqrt()
    if weight is not None:
        out = out * weight
    return out + bias if bias is not None else out


def batch_norm(x, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """Normalize each channel (axis 1) over the batch and spatial axes.

    In training the batch's own mean and (biased) variance are used and the running estimates
    move toward them by `momentum` (with the unbiased variance, as PyTorch does); in eval the
    running estimates are used.
    """
    if x.ndim < 2:
        raise ValueError(f"batch_norm: expected input of shape (N, C, ...), got {tuple(x.shape)}")
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    if training:
        count = math.prod(x.shape) // x.shape[1] if x.shape[1] else math.prod(x.shape[:1] + x.shape[2:])
        if count < 2:
            raise ValueError(f"batch_norm: need more than 1 value per channel in training, "
                             f"got input {tuple(x.shape)}")
        mean = x.mean(axis=axes, keepdims=True)
        centered = x - mean
        var = (centered * centered).mean(axis=axes, keepdims=True)
        if running_mean is not None:
            running_mean.array *= 1 - momentum
            running_mean.array += momentum * mean.array.reshape(-1)
            running_var.array *= 1 - momentum
            running_var.array += momentum * var.array.reshape(-1) * count / (count - 1)
    else:
        if running_mean is None:
            raise ValueError("batch_norm: eval mode needs running statistics (track_running_stats=True)")
        centered = x - Tensor(running_mean.array.reshape(shape))
        var = Tensor(running_var.array.reshape(shape))
    out = centered / (var + eps).sqrt()
    if weight is not None:
        out = out * weight.reshape(shape)
    return out + bias.reshape(shape) if bias is not None else out


def embedding(indices, weight, padding_idx=None):
    """Rows of `weight` picked by integer `indices`; rows at `padding_idx` get no gradient."""
    idx = indices.array if isinstance(indices, Tensor) else indices
    xp = xp_of(weight.array)
    idx = xp.asarray(idx)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"embedding: indices must be integers, got dtype {idx.dtype}")
    if idx.size and (int(idx.min()) < 0 or int(idx.max()) >= weight.shape[0]):
        raise IndexError(f"embedding: indices must be in [0, {weight.shape[0]}), got values in "
                         f"[{int(idx.min())}, {int(idx.max())}]")
    out = weight[idx]
    if padding_idx is None:
        return out
    keep = Tensor((idx != padding_idx)[..., None].astype(weight.array.dtype))
    return out * keep + weight.detach()[idx] * (1 - keep)


def one_hot(indices, num_classes=-1):
    """Integer class indices -> int64 rows with a single 1 (no gradient: it is a constant)."""
    idx = indices.array if isinstance(indices, Tensor) else np.asarray(indices)
    xp = xp_of(idx)
    num_classes = int(idx.max()) + 1 if num_classes == -1 else num_classes
    return Tensor((idx[..., None] == xp.arange(num_classes)).astype(np.int64))


def causal_mask(size, source_size=None, xp=np):
    """Boolean (size, source_size) mask, True above the diagonal: position i may not see j > i."""
    return xp.triu(xp.ones((size, size if source_size is None else source_size), dtype=bool), k=1)


def generate_square_subsequent_mask(size):
    """PyTorch's float causal mask: 0 on and below the diagonal, -inf above."""
    return Tensor(np.where(causal_mask(size), -np.inf, 0.0))


def additive_mask(mask, dtype, xp):
    """Boolean masks (True = may not attend) become -inf additions; float masks are added as they are."""
    mask = mask.array if isinstance(mask, Tensor) else xp.asarray(mask)
    if mask.dtype == bool:
        return Tensor(xp.where(mask, -np.inf, 0.0).astype(dtype))
    return Tensor(mask.astype(dtype))


def attention(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
    """softmax(q @ kᵀ · scale + mask) @ v, returning (output, attention weights) so lessons can plot
    the weights. Shapes: q (..., L, E), k (..., S, E), v (..., S, Ev); `is_causal` hides the future;
    a boolean mask is True where attention is NOT allowed (MultiheadAttention's convention)."""
    xp = xp_of(q.array)
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else scale
    scores = (q @ k.transpose(-2, -1)) * scale
    if is_causal:
        hidden = causal_mask(q.shape[-2], k.shape[-2], xp)
        scores = scores + additive_mask(hidden, scores.array.dtype, xp)
    if attn_mask is not None:
        scores = scores + additive_mask(attn_mask, scores.array.dtype, xp)
    weights = scores.softmax(-1)
    if dropout_p:
        weights = dropout(weights, dropout_p, True)  # returned after dropout, as PyTorch's attention does
    return weights @ v, weights


def scaled_dot_product_attention(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
    """PyTorch's function of the same name: the output of `attention` without the weights.

    Careful: here, as in PyTorch, a *boolean* mask is True where attention IS allowed, the opposite
    of MultiheadAttention's masks (and of `attention`'s).
    """
    if attn_mask is not None:
        mask = attn_mask.array if isinstance(attn_mask, Tensor) else attn_mask
        attn_mask = ~mask if mask.dtype == bool else attn_mask
    return attention(q, k, v, attn_mask, dropout_p, is_causal, scale)[0]


def adaptive_avg_pool2d(x, output_size):
    """Average over PyTorch's adaptive bins: bin i spans [floor(i*H/oh), ceil((i+1)*H/oh))."""
    oh, ow = (output_size, output_size) if isinstance(output_size, int) else output_size
    N, C, H, W = x.shape
    oh, ow = oh or H, ow or W
    if H % oh == 0 and W % ow == 0:  # equal bins: one reshape and one mean
        return x.reshape(N, C, oh, H // oh, ow, W // ow).mean(axis=(3, 5))
    rows = []
    for i in range(oh):
        h0, h1 = (i * H) // oh, -(-((i + 1) * H) // oh)
        cols = [x[:, :, h0:h1, (j * W) // ow:-(-((j + 1) * W) // ow)].mean(axis=(2, 3)) for j in range(ow)]
        rows.append(stack(cols, -1))
    return stack(rows, -2)


def conv1d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """A 1-D convolution is a 2-D one over a height-1 image: (N, C, L) -> (N, C, 1, L); (C, L) is one
    unbatched sequence. Everything is checked here first, so every message speaks of conv1d and of the
    shapes the caller made, never of the 2-D ones built for conv2d."""
    expect_tensor(x, "conv1d")
    expect_tensor(weight, "conv1d", "weight")
    if x.ndim not in (2, 3) or weight.ndim != 3:
        raise ShapeError(f"conv1d: expected input (N, C, L) or (C, L) and weight (out_channels, "
                         f"in_channels/groups, kernel_size), got {x.shape} and {weight.shape}")
    batch = x if x.ndim == 3 else x.reshape(1, *x.shape)
    groups = _conv1d_check(batch, x.shape, weight, bias, groups)
    stride, dilation = _single(stride, "stride", 1), _single(dilation, "dilation", 1)
    if not isinstance(padding, str):
        padding = _single(padding, "padding", 0)
    elif padding not in ("same", "valid") or padding == "same" and stride != 1:
        raise ValueError(f"conv1d: padding must be an int >= 0, 'valid' or 'same' (with stride 1), got "
                         f"{padding!r} with stride {stride}")
    span = dilation * (weight.shape[2] - 1) + 1
    length = batch.shape[2] + (2 * padding if isinstance(padding, int) else 0)
    if padding != "same" and span > length:
        raise ShapeError(f"conv1d: kernel size {weight.shape[2]} (dilated {span}) is longer than the padded "
                         f"input length {length} (input {x.shape})")
    images = batch.reshape(batch.shape[0], batch.shape[1], 1, batch.shape[2])
    kernels = weight.reshape(weight.shape[0], weight.shape[1], 1, weight.shape[2])
    out = conv2d(images, kernels, bias, stride=(1, stride), dilation=(1, dilation), groups=groups,
                 padding=padding if isinstance(padding, str) else (0, padding))
    out = out.reshape(out.shape[0], out.shape[1], out.shape[3])
    return out if x.ndim == 3 else out.reshape(out.shape[1:])


def _conv1d_check(batch, shape, weight, bias, groups) -> int:
    """conv1d's channels, groups, bias and dtypes, reported with the caller's own shapes; returns groups."""
    groups = _single(groups, "groups", 1)
    out_channels, group_channels = weight.shape[:2]
    if out_channels % groups:
        raise ShapeError(f"conv1d: weight {weight.shape} has {out_channels} output channels, which "
                         f"groups={groups} does not divide")
    if group_channels * groups != batch.shape[1]:
        raise ShapeError(f"conv1d: input {shape} has {batch.shape[1]} channels, but weight {weight.shape} "
                         f"with groups={groups} expects {group_channels * groups}")
    if bias is not None:
        expect_tensor(bias, "conv1d", "bias")
        if bias.shape != (out_channels,):
            raise ShapeError(f"conv1d: bias must have shape ({out_channels},) for weight {weight.shape}, "
                             f"got {bias.shape}")
    tensors = [batch, weight] + ([] if bias is None else [bias])
    if batch.dtype.kind != "f" or len({t.dtype for t in tensors}) > 1:
        raise TypeError(f"conv1d: input, weight and bias must share one floating point dtype, got "
                        f"{', '.join(str(t.dtype) for t in tensors)}")
    return groups


def _single(value, what: str, minimum: int) -> int:
    """conv1d's stride, padding, dilation and groups: an int (or a 1-tuple of one, as PyTorch allows)."""
    v = value[0] if isinstance(value, (tuple, list)) and len(value) == 1 else value
    if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < minimum:
        raise ValueError(f"conv1d: {what} must be an int >= {minimum}, got {value!r}")
    return int(v)
