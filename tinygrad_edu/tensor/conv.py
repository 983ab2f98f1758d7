"""Tensor-level conv2d, max_pool2d and avg_pool2d (PyTorch names and arguments).

Why a layer above the ops: here arguments are checked and normalised (ints become pairs, "same" becomes
explicit padding, "..." in equations becomes letters), so the ops only ever see plain, explicit
attributes, and every mistake is reported in the caller's terms (which function, what shape).
"""
import numbers

from ..ops.conv import Conv2d
from ..ops.pool import AvgPool2d, MaxPool2d, pool_output_size
from .core import Tensor, apply, expect_tensor


def _pair(value, where: str, what: str, minimum: int) -> tuple:
    """An int or a pair of ints (each >= minimum) as a pair."""
    try:
        pair = (value, value) if isinstance(value, numbers.Integral) else tuple(value)
    except TypeError:                                    # a float, None, ...: reported below
        pair = ()
    if len(pair) != 2 or not all(isinstance(v, numbers.Integral) and int(v) >= minimum for v in pair):
        raise ValueError(f"{where}: {what} must be an int >= {minimum} or a pair of them, got {value!r}")
    return int(pair[0]), int(pair[1])


def _as_batch(x: Tensor, where: str, layout: str) -> tuple:
    """Accept (N, C, H, W) or one unbatched (C, H, W) image, as PyTorch does; float dtypes only."""
    expect_tensor(x, where)
    if x.ndim not in (3, 4):
        raise ValueError(f"{where}: expected a 3-D (C, H, W) or 4-D {layout} input, got shape {x.shape}")
    if x.dtype.kind != "f":
        raise TypeError(f"{where}: expected a floating-point input, got dtype {x.dtype}")
    return (x.reshape(1, *x.shape), True) if x.ndim == 3 else (x, False)


def _conv_padding(padding, kernel: tuple, dilation: tuple, stride: tuple) -> tuple:
    """(top, bottom, left, right) from an int, a pair, "valid" or "same" (extra cell at the end)."""
    if padding == "valid":
        return (0, 0, 0, 0)
    if padding == "same":
        if stride != (1, 1):
            raise ValueError(f"conv2d: padding='same' needs stride 1, got stride {stride}")
        totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return (totals[0] // 2, totals[0] - totals[0] // 2, totals[1] // 2, totals[1] - totals[1] // 2)
    if isinstance(padding, str):
        raise ValueError(f"conv2d: padding must be 'valid', 'same', an int or a pair, got {padding!r}")
    ph, pw = _pair(padding, "conv2d", "padding", 0)
    return (ph, ph, pw, pw)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) -> Tensor:
    """2-D cross-correlation like torch.nn.functional.conv2d: input (N, C, H, W) or (C, H, W), weight
    (O, C/groups, kh, kw), bias (O,) or None; padding may be an int, a pair, 'valid' or 'same'."""
    x, unbatched = _as_batch(input, "conv2d", "(N, C, H, W)")
    expect_tensor(weight, "conv2d", "weight")
    if weight.ndim != 4:
        raise ValueError(f"conv2d: expected a 4-D (out_channels, in_channels/groups, kh, kw) weight, "
                         f"got shape {weight.shape}")
    if not isinstance(groups, numbers.Integral) or groups < 1:
        raise ValueError(f"conv2d: groups must be a positive int, got {groups!r}")
    out_channels, group_channels = weight.shape[:2]
    channels = x.shape[1]
    if out_channels % groups or group_channels * groups != channels:
        raise ValueError(f"conv2d: input {x.shape} has {channels} channels and weight {weight.shape} with "
                         f"groups={groups} expects {group_channels * groups}; out_channels "
                         f"{out_channels} must also be divisible by groups")
    tensors = [x, weight]
    if bias is not None:
        expect_tensor(bias, "conv2d", "bias")
        if bias.shape != (out_channels,):
            raise ValueError(f"conv2d: bias must have shape ({out_channels},) for weight {weight.shape}, "
                             f"got {bias.shape}")
        tensors.append(bias)
    dtypes = {t.dtype for t in tensors}
    if len(dtypes) > 1:
        raise TypeError(f"conv2d: input, weight and bias must share one dtype, got "
                        f"{', '.join(str(t.dtype) for t in tensors)}")
    stride = _pair(stride, "conv2d", "stride", 1)
    dilation = _pair(dilation, "conv2d", "dilation", 1)
    kernel = tuple(weight.shape[2:])
    pads = _conv_padding(padding, kernel, dilation, stride)
    for axis, name in ((0, "height"), (1, "width")):
        span = dilation[axis] * (kernel[axis] - 1) + 1
        padded = x.shape[2 + axis] + pads[2 * axis] + pads[2 * axis + 1]
        if span > padded:
            raise ValueError(f"conv2d: kernel {kernel} (dilated {name} {span}) is larger than the padded "
                             f"input {name} {padded} (input {x.shape})")
    op = Conv2d(stride=stride, padding=pads, dilation=dilation, groups=int(groups),
                input_grad=x.requires_grad)
    out = apply(op, *tensors)
    return out.reshape(out.shape[1:]) if unbatched else out


def _pool_args(where, kernel_size, stride, padding, dilation) -> dict:
    kernel = _pair(kernel_size, where, "kernel_size", 1)
    stride = kernel if stride is None or stride == () or stride == [] else _pair(stride, where, "stride", 1)
    padding = _pair(padding, where, "padding", 0)
    dilation = _pair(dilation, where, "dilation", 1)
    for axis in range(2):
        if 2 * padding[axis] > kernel[axis]:
            raise ValueError(f"{where}: padding {padding} must be at most half of kernel_size {kernel}")
    return {"kernel_size": kernel, "stride": stride, "padding": padding, "dilation": dilation}


def _check_pool_size(where, attrs, x: Tensor) -> None:
    for axis in range(2):
        size = pool_output_size(x.shape[2 + axis], attrs["kernel_size"][axis], attrs["stride"][axis],
                                attrs["padding"][axis], attrs.get("dilation", (1, 1))[axis],
                                attrs["ceil_mode"])
        if size < 1:
            raise ValueError(f"{where}: kernel_size {attrs['kernel_size']} with padding {attrs['padding']} "
                             f"does not fit the input {x.shape}: output size would be {size}")


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False) -> Tensor:
    """Max over each window, like torch.nn.functional.max_pool2d (stride defaults to kernel_size)."""
    x, unbatched = _as_batch(input, "max_pool2d", "(N, C, H, W)")
    attrs = _pool_args("max_pool2d", kernel_size, stride, padding, dilation)
    attrs["ceil_mode"] = bool(ceil_mode)
    _check_pool_size("max_pool2d", attrs, x)
    out = apply(MaxPool2d(**attrs), x)
    return out.reshape(out.shape[1:]) if unbatched else out


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None) -> Tensor:
    """Mean over each window, like torch.nn.functional.avg_pool2d (stride defaults to kernel_size)."""
    x, unbatched = _as_batch(input, "avg_pool2d", "(N, C, H, W)")
    attrs = _pool_args("avg_pool2d", kernel_size, stride, padding, 1)
    del attrs["dilation"]
    if divisor_override is not None and (not isinstance(divisor_override, numbers.Integral)
                                         or divisor_override < 1):
        raise ValueError(f"avg_pool2d: divisor_override must be a positive int or None, "
                         f"got {divisor_override!r}")
    attrs.update(ceil_mode=bool(ceil_mode), count_include_pad=bool(count_include_pad),
                 divisor_override=None if divisor_override is None else int(divisor_override))
    _check_pool_size("avg_pool2d", attrs, x)
    out = apply(AvgPool2d(**attrs), x)
    return out.reshape(out.shape[1:]) if unbatched else out
