"""2-D max and average pooling over windowed strided slices, with their gradients.

Why slices: for a kh x kw kernel, the value at kernel offset (i, j) of every window, for all windows at
once, is ONE strided slice of the padded input. So pooling is kh*kw elementwise `maximum` (or `+`) calls
over whole slabs, never a Python loop over pixels, and the backward adds each slab's share back into the
same slice (a kh*kw loop again).

Attributes (as `max_pool2d`/`avg_pool2d` normalise them): kernel_size (kh, kw), stride (sh, sw), padding
(ph, pw) on both sides, dilation (dh, dw), ceil_mode; average pooling adds count_include_pad and
divisor_override. `ceil_mode` lets the last window hang past the padded input; the overhang is padded
with -inf (max) or zeros not counted in the average (as PyTorch does).

The ops come in adjoint pairs, so gradients of gradients work: max pooling's backward scatters g to
each window's first maximum (`MaxPool2dScatter`), whose backward gathers from there (`MaxPool2dGather`);
average pooling's backward (`AvgPool2dGrad`) is the transpose of a linear map whose transpose is the
pooling again.
"""

import operator
from itertools import repeat

from .base import Op, call


def pool_output_size(size: int, kernel: int, stride: int, pad: int, dilation: int, ceil_mode: bool) -> int:
    """PyTorch's pooling output length: floor (or ceil) of the window count, but in ceil mode the last
    window must still start inside the input or its left padding."""
    span = dilation * (kernel - 1) + 1
    out = (size + 2 * pad - span + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= size + pad:
        out -= 1
    return out


def _geometry(shape, attrs):
    """Output (Ho, Wo) and the padding per side ((top, bottom), (left, right)) including ceil overhang."""
    out_hw, pads = [], []
    for axis in range(2):
        size, k, s = shape[2 + axis], attrs["kernel_size"][axis], attrs["stride"][axis]
        p, d = attrs["padding"][axis], attrs.get("dilation", (1, 1))[axis]
        out = pool_output_size(size, k, s, p, d, attrs["ceil_mode"])
        needed = (out - 1) * s + d * (k - 1) + 1
        out_hw.append(out)
        pads.append((p, max(p, needed - size - p)))
    return tuple(out_hw), tuple(pads)


def _offsets(attrs, out_hw):
    """For each kernel offset (row-major, as PyTorch scans a window): the slice of the padded input
    that holds that offset's element of every window."""
    (kh, kw), (sh, sw) = attrs["kernel_size"], attrs["stride"]
    dh, dw = attrs.get("dilation", (1, 1))
    ho, wo = out_hw
    for i in range(kh):
        for j in range(kw):
            yield (
                slice(None),
                slice(None),
                slice(i * dh, i * dh + sh * (ho - 1) + 1, sh),
                slice(j * dw, j * dw + sw * (wo - 1) + 1, sw),
            )


def _pad(xp, x, pads, value):
    if not any(p for pair in pads for p in pair):
        return x
    return xp.pad(x, ((0, 0), (0, 0), *pads), constant_values=value)


def _fold_windows(xp, x, attrs, pad_value, combine):
    """Combine the kh*kw offset slabs of the padded input one after another (with maximum or +)."""
    out_hw, pads = _geometry(x.shape, attrs)
    xpad = _pad(xp, x, pads, pad_value)
    slabs = (xpad[where] for where in _offsets(attrs, out_hw))
    result = next(slabs)
    for slab in slabs:
        result = combine(result, slab)
    return result, out_hw, pads


def _scatter(xp, slabs, input_shape, pads, attrs, out_hw, dtype):
    """Add each offset's slab back into its slice of a zero padded image, then crop the padding."""
    (top, bottom), (left, right) = pads
    n, c, h, w = input_shape
    image = xp.zeros((n, c, h + top + bottom, w + left + right), dtype=dtype)
    spans = (d * (k - 1) + 1 for d, k in zip(attrs.get("dilation", (1, 1)), attrs["kernel_size"]))
    overlapping = any(s < span for s, span in zip(attrs["stride"], spans))
    for where, slab in zip(_offsets(attrs, out_hw), slabs):
        if overlapping:
            image[where] += slab
        else:                                # disjoint windows: each cell is written at most once
            image[where] = slab
    return image[:, :, top : top + h, left : left + w]


def _first_max_hits(xp, x, out, attrs):
    """Yield, per kernel offset, a boolean mask of the windows whose FIRST maximum sits at that offset
    (ties go to the first one in row-major order, as in PyTorch)."""
    out_hw, pads = _geometry(x.shape, attrs)
    xpad = _pad(xp, x, pads, -xp.inf)
    free = xp.ones(out.shape, dtype=bool)
    for where in _offsets(attrs, out_hw):
        hit = xpad[where] == out
        hit &= free
        free &= ~hit
        yield hit


class MaxPool2d(Op):
    """out[n, c, y, x] = max over the kernel window of x_padded (padding counts as -inf)."""

    __slots__ = ()
    name = "max_pool2d"
    local = ("1 at each window's max, 0 elsewhere",)

    def forward(self, xp, x):
        return _fold_windows(xp, x, self.attrs, -xp.inf, xp.maximum)[0]

    def backward(self, xp, g, x, *, out):
        return (call(xp, MaxPool2dScatter(**self.attrs), x, out, g),)


class MaxPool2dScatter(Op):
    """Send each window's gradient g to the position of the window's maximum (inputs: x, out, g)."""

    __slots__ = ()
    name = "max_pool2d_scatter"
    local = ("none (only selects positions)", "none (only selects positions)", "scatter to the max")

    def forward(self, xp, x, pooled, g):
        out_hw, pads = _geometry(x.shape, self.attrs)
        # g * mask is ~30x faster than where(mask, g, 0); only a NaN/inf in g would also reach other cells
        slabs = (g * hit for hit in _first_max_hits(xp, x, pooled, self.attrs))
        return _scatter(xp, slabs, x.shape, pads, self.attrs, out_hw, g.dtype)

    def backward(self, xp, h, x, pooled, g, *, out):
        return None, None, call(xp, MaxPool2dGather(**self.attrs), x, pooled, h)


class MaxPool2dGather(Op):
    """Read h at each window's maximum (inputs: x, out, h): the transpose of `MaxPool2dScatter`."""

    __slots__ = ()
    name = "max_pool2d_gather"
    local = ("none (only selects positions)", "none (only selects positions)", "gather at the max")

    def forward(self, xp, x, pooled, h):
        out_hw, pads = _geometry(x.shape, self.attrs)
        hpad = _pad(xp, h, pads, 0)
        result = xp.zeros(pooled.shape, dtype=h.dtype)
        for where, hit in zip(_offsets(self.attrs, out_hw), _first_max_hits(xp, x, pooled, self.attrs)):
            result = result + hpad[where] * hit
        return result

    def backward(self, xp, k, x, pooled, h, *, out):
        return None, None, call(xp, MaxPool2dScatter(**self.attrs), x, pooled, k)


def _divisor(xp, shape, attrs, out_hw, pads, dtype):
    """What each window's sum is divided by: divisor_override, or the number of counted cells in the
    window (padding counts when count_include_pad; the ceil-mode overhang never does)."""
    if attrs["divisor_override"]:
        return attrs["divisor_override"]
    counts = []
    for axis in range(2):
        size, p = shape[2 + axis], attrs["padding"][axis]
        lo, hi = (0, size + 2 * p) if attrs["count_include_pad"] else (p, p + size)
        cells = xp.zeros(sum(pads[axis]) + size, dtype=dtype)
        cells[lo:hi] = 1
        k, s, o = attrs["kernel_size"][axis], attrs["stride"][axis], out_hw[axis]
        counts.append(sum(cells[i : i + s * (o - 1) + 1 : s] for i in range(k)))
    return counts[0].reshape(-1, 1) * counts[1].reshape(1, -1)


class AvgPool2d(Op):
    """out = (sum of the window of x_padded, zeros as padding) / divisor (see `_divisor`)."""

    __slots__ = ()
    name = "avg_pool2d"
    local = ("1/divisor for each cell of the window",)

    def forward(self, xp, x):
        total, out_hw, pads = _fold_windows(xp, x, self.attrs, 0, operator.add)
        return total / _divisor(xp, x.shape, self.attrs, out_hw, pads, x.dtype)

    def backward(self, xp, g, x, *, out):
        return (call(xp, AvgPool2dGrad(input_shape=tuple(x.shape), **self.attrs), g),)


class AvgPool2dGrad(Op):
    """Spread each window's gradient evenly (g / divisor) over the window's input cells."""

    __slots__ = ()
    name = "avg_pool2d_grad"
    local = ("avg_pool2d(h)",)

    def forward(self, xp, g):
        shape, pool_attrs = self.attrs["input_shape"], self._pool_attrs()
        out_hw, pads = _geometry(shape, pool_attrs)
        share = g / _divisor(xp, shape, pool_attrs, out_hw, pads, g.dtype)
        return _scatter(xp, repeat(share), shape, pads, pool_attrs, out_hw, g.dtype)

    def backward(self, xp, h, g, *, out):
        return (call(xp, AvgPool2d(**self._pool_attrs()), h),)

    def _pool_attrs(self) -> dict:
        return {k: v for k, v in self.attrs.items() if k != "input_shape"}
