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

from functools import lru_cache
from typing import NamedTuple

from .base import Op, call
from .windows import offset_slices


def pool_output_size(size: int, kernel: int, stride: int, pad: int, dilation: int, ceil_mode: bool) -> int:
    """PyTorch's pooling output length: floor (or ceil) of the window count, but in ceil mode the last
    window must still start inside the input or its left padding."""
    span = dilation * (kernel - 1) + 1
    out = (size + 2 * pad - span + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= size + pad:
        out -= 1
    return out


class _Plan(NamedTuple):
    """Where every window offset reads, for one input shape and one set of attributes."""

    out_hw: tuple       # (Ho, Wo)
    pads: tuple         # ((top, bottom), (left, right)), including the ceil-mode overhang
    slices: tuple       # per kernel offset (row-major): (rows, cols) of the padded input it reads
    disjoint: bool      # no two windows share a cell: the backward may write instead of add
    tiles: bool         # disjoint and together the windows cover every padded cell exactly


@lru_cache(maxsize=256)
def _cached_plan(hw: tuple, kernel: tuple, stride: tuple, padding: tuple, dilation: tuple, ceil_mode: bool):
    out_hw, pads, spans = [], [], []
    for axis in range(2):
        size, k, s, p, d = hw[axis], kernel[axis], stride[axis], padding[axis], dilation[axis]
        out = pool_output_size(size, k, s, p, d, ceil_mode)
        needed = (out - 1) * s + d * (k - 1) + 1
        out_hw.append(out)
        pads.append((p, max(p, needed - size - p)))
        spans.append(d * (k - 1) + 1)
    slices = offset_slices(tuple(out_hw), kernel, stride, dilation)
    disjoint = all(s >= span for s, span in zip(stride, spans))
    tiles = disjoint and all(s == span == k and o * s == size + sum(pad)
                             for s, span, k, o, size, pad in zip(stride, spans, kernel, out_hw, hw, pads))
    return _Plan(tuple(out_hw), tuple(pads), slices, disjoint, tiles)


def _plan(shape: tuple, attrs: dict) -> _Plan:
    """The cached plan for an input shape: a network asks for the same shapes every step."""
    return _cached_plan(tuple(shape[2:]), attrs["kernel_size"], attrs["stride"], attrs["padding"],
                        attrs.get("dilation", (1, 1)), attrs["ceil_mode"])


def _pad(xp, x, pads, value):
    if not any(p for pair in pads for p in pair):
        return x
    return xp.pad(x, ((0, 0), (0, 0), *pads), constant_values=value)


def _fold_windows(xp, x, plan, pad_value, combine):
    """Combine the kh*kw offset slabs of the padded input one after another (`maximum` or `add`),
    into one result array (the first call allocates it, the others write into it)."""
    xpad = _pad(xp, x, plan.pads, pad_value)
    slabs = [xpad[:, :, rows, cols] for rows, cols in plan.slices]
    if len(slabs) == 1:
        return slabs[0].copy()
    result = combine(slabs[0], slabs[1])
    for slab in slabs[2:]:
        combine(result, slab, out=result)
    return result


def _scatter(xp, pieces, input_shape, plan, dtype):
    """Add each offset's share back into its slice of a padded image, then crop the padding. `pieces`
    yields ((rows, cols), share, mask or None) per offset; the share is multiplied by the mask. Disjoint
    windows write each cell at most once, so they write instead of add (straight into the image, with no
    temporary), and windows that tile the image write every cell, so it needs no zeros first."""
    (top, bottom), (left, right) = plan.pads
    n, c, h, w = input_shape
    image = (xp.empty if plan.tiles else xp.zeros)((n, c, h + top + bottom, w + left + right), dtype=dtype)
    for (rows, cols), share, mask in pieces:
        target = image[:, :, rows, cols]
        if not plan.disjoint:
            target += share if mask is None else share * mask
        elif mask is None:
            target[...] = share
        else:
            xp.multiply(share, mask, out=target)
    return image[:, :, top : top + h, left : left + w]


def _first_max_hits(xp, x, pooled, plan):
    """Yield, per kernel offset, its slices and a boolean mask of the windows whose FIRST maximum sits
    at that offset (ties go to the first one in row-major order, as in PyTorch). One mask buffer is
    reused for every offset, so use each mask before asking for the next."""
    xpad = _pad(xp, x, plan.pads, -xp.inf)
    free = xp.ones(pooled.shape, dtype=bool)         # windows whose maximum has not been found yet
    hit = xp.empty(pooled.shape, dtype=bool)
    for rows, cols in plan.slices:
        xp.equal(xpad[:, :, rows, cols], pooled, out=hit)
        hit &= free
        free ^= hit                                  # hit is inside free: this clears the hits
        yield (rows, cols), hit


class MaxPool2d(Op):
    """out[n, c, y, x] = max over the kernel window of x_padded (padding counts as -inf)."""

    __slots__ = ()
    name = "max_pool2d"
    local = ("1 at each window's max, 0 elsewhere",)

    def forward(self, xp, x):
        return _fold_windows(xp, x, _plan(x.shape, self.attrs), -xp.inf, xp.maximum)

    def backward(self, xp, g, x, *, out):
        return (call(xp, MaxPool2dScatter(**self.attrs), x, out, g),)


class MaxPool2dScatter(Op):
    """Send each window's gradient g to the position of the window's maximum (inputs: x, out, g)."""

    __slots__ = ()
    name = "max_pool2d_scatter"
    local = ("none (only selects positions)", "none (only selects positions)", "scatter to the max")

    def forward(self, xp, x, pooled, g):
        plan = _plan(x.shape, self.attrs)
        # g * mask is ~30x faster than where(mask, g, 0); only a NaN/inf in g would also reach other cells
        pieces = ((where, g, hit) for where, hit in _first_max_hits(xp, x, pooled, plan))
        return _scatter(xp, pieces, x.shape, plan, g.dtype)

    def backward(self, xp, h, x, pooled, g, *, out):
        return None, None, call(xp, MaxPool2dGather(**self.attrs), x, pooled, h)


class MaxPool2dGather(Op):
    """Read h at each window's maximum (inputs: x, out, h): the transpose of `MaxPool2dScatter`."""

    __slots__ = ()
    name = "max_pool2d_gather"
    local = ("none (only selects positions)", "none (only selects positions)", "gather at the max")

    def forward(self, xp, x, pooled, h):
        plan = _plan(x.shape, self.attrs)
        hpad = _pad(xp, h, plan.pads, 0)
        result = xp.zeros(pooled.shape, dtype=h.dtype)
        for (rows, cols), hit in _first_max_hits(xp, x, pooled, plan):
            result += hpad[:, :, rows, cols] * hit
        return result

    def backward(self, xp, k, x, pooled, h, *, out):
        return None, None, call(xp, MaxPool2dScatter(**self.attrs), x, pooled, k)


def _divisor(xp, shape, attrs, plan, dtype):
    """What each window's sum is divided by: divisor_override, or the number of counted cells in the
    window (padding counts when count_include_pad; the ceil-mode overhang never does)."""
    if attrs["divisor_override"]:
        return attrs["divisor_override"]
    counts = []
    for axis in range(2):
        size, p = shape[2 + axis], attrs["padding"][axis]
        lo, hi = (0, size + 2 * p) if attrs["count_include_pad"] else (p, p + size)
        cells = xp.zeros(sum(plan.pads[axis]) + size, dtype=dtype)
        cells[lo:hi] = 1
        k, s, o = attrs["kernel_size"][axis], attrs["stride"][axis], plan.out_hw[axis]
        counts.append(sum(cells[i : i + s * (o - 1) + 1 : s] for i in range(k)))
    return counts[0].reshape(-1, 1) * counts[1].reshape(1, -1)


class AvgPool2d(Op):
    """out = (sum of the window of x_padded, zeros as padding) / divisor (see `_divisor`)."""

    __slots__ = ()
    name = "avg_pool2d"
    local = ("1/divisor for each cell of the window",)

    def forward(self, xp, x):
        plan = _plan(x.shape, self.attrs)
        total = _fold_windows(xp, x, plan, 0, xp.add)
        total /= _divisor(xp, x.shape, self.attrs, plan, x.dtype)
        return total

    def backward(self, xp, g, x, *, out):
        return (call(xp, AvgPool2dGrad(input_shape=tuple(x.shape), **self.attrs), g),)


class AvgPool2dGrad(Op):
    """Spread each window's gradient evenly (g / divisor) over the window's input cells."""

    __slots__ = ()
    name = "avg_pool2d_grad"
    local = ("avg_pool2d(h)",)

    def forward(self, xp, g):
        shape, pool_attrs = self.attrs["input_shape"], self._pool_attrs()
        plan = _plan(shape, pool_attrs)
        share = g / _divisor(xp, shape, pool_attrs, plan, g.dtype)
        return _scatter(xp, ((where, share, None) for where in plan.slices), shape, plan, g.dtype)

    def backward(self, xp, h, g, *, out):
        return (call(xp, AvgPool2d(**self._pool_attrs()), h),)

    def _pool_attrs(self) -> dict:
        return {k: v for k, v in self.attrs.items() if k != "input_shape"}
