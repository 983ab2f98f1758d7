"""2-D convolution (PyTorch's cross-correlation) as im2col + matrix multiply, and its two gradients.

Why im2col: every output pixel is a dot product between a weight filter and one window of the input.
Copying all windows side by side into a "column" matrix turns the convolution into a matrix multiply,
which BLAS does fast. The windows come from one strided *view* of the padded input; one copy lays them
out as (C/G*kh*kw, Ho*Wo*samples), so ONE matrix multiply covers every pixel of many samples at once,
big enough for BLAS to spread over every core. The scatter back (col2im) adds kh*kw strided slabs.

Why the samples go last: the input is first copied to (C, H, W, samples), padded. Then the slab of
one kernel offset, for every window at once, moves runs of Wo*samples neighbouring values (a row of
windows, every sample), not runs of Wo: the im2col copy and the col2im adds, which touch kh*kw times
more values than the input holds, run at memory speed. Only the input, output and output gradient
are reordered, and they are kh*kw times smaller than the columns.

Why in chunks of samples: the columns hold kh*kw values per input value (25x for a 5x5 kernel), so a
whole batch of them would be most of a training step's memory. A chunk's columns (about a megabyte)
are built, multiplied and dropped; the backward builds them again instead of keeping them.

Shapes: x (N, C, H, W), weight (O, C/groups, kh, kw), bias (O,), out (N, O, Ho, Wo). Attributes, as
the Tensor-level `conv2d` normalises them: stride (sh, sw), padding (top, bottom, left, right),
dilation (dh, dw), groups.

The three ops below are closed under differentiation, which gives gradients of gradients for free:
conv's input gradient is a transposed convolution (`Conv2dInputGrad`), its weight gradient a
correlation of the input with the output gradient (`Conv2dWeightGrad`), and the backward of each of
those is again one of the three.
"""

from .base import Op, call
from .windows import offset_slices

# About 1 MB of float32 columns per chunk: big matrix multiplies, small memory (see the docstring).
CHUNK_ELEMENTS = 1 << 18


def _geometry(padded_hw, kernel_hw, attrs) -> tuple:
    """The output size (Ho, Wo) and the slice each kernel offset reads (see `windows.offset_slices`)."""
    (kh, kw), (sh, sw), (dh, dw) = kernel_hw, attrs["stride"], attrs["dilation"]
    out_hw = ((padded_hw[0] - dh * (kh - 1) - 1) // sh + 1, (padded_hw[1] - dw * (kw - 1) - 1) // sw + 1)
    return out_hw, offset_slices(out_hw, tuple(kernel_hw), attrs["stride"], attrs["dilation"])


def _chunks(n: int, per_sample: int) -> list:
    """Sample ranges [start, stop) whose columns hold about CHUNK_ELEMENTS values (at least one sample)."""
    size = max(1, CHUNK_ELEMENTS // max(per_sample, 1))
    return [(start, min(n, start + size)) for start in range(0, n, size)]


def _padded_samples_last(xp, x, padding):
    """Samples (n, C, H, W) as one zero-padded (C, Hp, Wp, n) array: the layout the slabs run along."""
    top, bottom, left, right = padding
    n, c, h, w = x.shape
    out = xp.zeros((c, h + top + bottom, w + left + right, n), dtype=x.dtype)
    out[:, top : top + h, left : left + w, :] = x.transpose(1, 2, 3, 0)
    return out


def _columns(xp, x, kernel_hw, attrs):
    """im2col of samples x (n, C, H, W): (G, C/G*kh*kw, Ho*Wo*n), whose element [g, (c, i, j), (y, x, s)]
    is x_padded[s, g*C/G + c, y*sh + i*dh, x*sw + j*dw]. One strided view, one copy."""
    (kh, kw), (sh, sw), (dh, dw) = kernel_hw, attrs["stride"], attrs["dilation"]
    span = (dh * (kh - 1) + 1, dw * (kw - 1) + 1)
    padded = _padded_samples_last(xp, x, attrs["padding"])
    windows = xp.lib.stride_tricks.sliding_window_view(padded, span, axis=(1, 2))
    windows = windows[:, ::sh, ::sw, :, ::dh, ::dw]                    # (C, Ho, Wo, n, kh, kw)
    cols = xp.ascontiguousarray(windows.transpose(0, 4, 5, 1, 2, 3))   # (C, kh, kw, Ho, Wo, n)
    return cols.reshape(attrs["groups"], -1, windows.shape[1] * windows.shape[2] * x.shape[0])


def _rows(g, groups: int):
    """An output(-gradient) chunk (n, O, Ho, Wo) in the matrix layout of the columns: (G, O/G, Ho*Wo*n)."""
    return g.transpose(1, 2, 3, 0).reshape(groups, g.shape[1] // groups, -1)


def _conv(xp, x, w, attrs):
    """Convolution without bias: (N, C, H, W) * (O, C/G, kh, kw) -> (N, O, Ho, Wo)."""
    o, cg, kh, kw = w.shape
    groups = attrs["groups"]
    top, bottom, left, right = attrs["padding"]
    n, c, h, wd = x.shape
    (ho, wo), _ = _geometry((h + top + bottom, wd + left + right), (kh, kw), attrs)
    out = xp.empty((n, o, ho, wo), dtype=x.dtype)
    filters = w.reshape(groups, o // groups, cg * kh * kw)
    for start, stop in _chunks(n, c * kh * kw * ho * wo):
        product = xp.matmul(filters, _columns(xp, x[start:stop], (kh, kw), attrs))
        out[start:stop] = product.reshape(o, ho, wo, stop - start).transpose(3, 0, 1, 2)
    return out


def _input_grad(xp, g, w, input_shape, attrs):
    """dL/dx = transposed convolution of g with w: each output pixel's gradient spread over its window.
    Per chunk: one matrix multiply gives the column gradients, col2im adds them back (kh*kw slabs)."""
    o, cg, kh, kw = w.shape
    groups = attrs["groups"]
    top, bottom, left, right = attrs["padding"]
    n, c, h, wd = input_shape
    (ho, wo), slices = _geometry((h + top + bottom, wd + left + right), (kh, kw), attrs)
    out = xp.empty(input_shape, dtype=g.dtype)
    filters_t = w.reshape(groups, o // groups, cg * kh * kw).transpose(0, 2, 1)
    for start, stop in _chunks(n, c * kh * kw * ho * wo):
        m = stop - start
        cols = xp.matmul(filters_t, _rows(g[start:stop], groups)).reshape(c, kh * kw, ho, wo, m)
        image = xp.zeros((c, h + top + bottom, wd + left + right, m), dtype=g.dtype)   # samples last
        for offset, (rows, columns) in enumerate(slices):
            image[:, rows, columns, :] += cols[:, offset]
        del cols                      # freed before the next chunk's are made (peak memory: one chunk)
        out[start:stop] = image[:, top : top + h, left : left + wd, :].transpose(3, 0, 1, 2)
    return out


def _weight_grad(xp, x, g, kernel_hw, attrs):
    """dL/dw = sum over batch and pixels of (output gradient) x (input window): one matrix multiply
    per chunk, whose inner dimension runs over every pixel of the chunk's samples."""
    groups = attrs["groups"]
    n, o, ho, wo = g.shape
    c = x.shape[1]
    total = xp.zeros((groups, o // groups, c // groups * kernel_hw[0] * kernel_hw[1]), dtype=g.dtype)
    for start, stop in _chunks(n, c * kernel_hw[0] * kernel_hw[1] * ho * wo):
        cols_t = _columns(xp, x[start:stop], kernel_hw, attrs).transpose(0, 2, 1)
        total += xp.matmul(_rows(g[start:stop], groups), cols_t)
        del cols_t                    # freed before the next chunk's are made (peak memory: one chunk)
    return total.reshape(o, c // groups, *kernel_hw)


def _conv_attrs(op):
    return {k: op.attrs[k] for k in ("stride", "padding", "dilation", "groups")}


class Conv2d(Op):
    """out[n, o] = bias[o] + sum over c, i, j of w[o, c, i, j] * x_padded[n, c, y*s + i*d, x*s + j*d].

    attrs also hold `input_grad`: False when the input needs no gradient (images in a first layer),
    which skips the transposed convolution, the most expensive part of the backward."""

    __slots__ = ()
    name = "conv2d"
    local = ("conv_transpose2d(g, w)", "correlate(x, g)", "sum of g over N, H, W")

    def forward(self, xp, x, w, b=None):
        out = _conv(xp, x, w, self.attrs)
        if b is not None:
            out += b.reshape(1, -1, 1, 1)
        return out

    def backward(self, xp, g, x, w, b=None, *, out):
        attrs = _conv_attrs(self)
        gx = None
        if self.attrs.get("input_grad", True):
            gx = call(xp, Conv2dInputGrad(input_shape=tuple(x.shape), **attrs), g, w)
        gw = call(xp, Conv2dWeightGrad(kernel_size=tuple(w.shape[2:]), **attrs), x, g)
        if b is None:
            return gx, gw
        return gx, gw, xp.sum(g, axis=(0, 2, 3))


class Conv2dInputGrad(Op):
    """The transposed convolution T(g, w) = d<conv(x, w), g>/dx; linear in g and in w."""

    __slots__ = ()
    name = "conv2d_input_grad"
    local = ("conv2d(h, w)", "correlate(h, g)")

    def forward(self, xp, g, w):
        return _input_grad(xp, g, w, self.attrs["input_shape"], _conv_attrs(self))

    def backward(self, xp, h, g, w, *, out):
        attrs = _conv_attrs(self)
        gg = call(xp, Conv2d(**attrs), h, w)
        gw = call(xp, Conv2dWeightGrad(kernel_size=tuple(w.shape[2:]), **attrs), h, g)
        return gg, gw


class Conv2dWeightGrad(Op):
    """W(x, g) = d<conv(x, w), g>/dw; linear in x and in g."""

    __slots__ = ()
    name = "conv2d_weight_grad"
    local = ("conv_transpose2d(g, h)", "conv2d(x, h)")

    def forward(self, xp, x, g):
        return _weight_grad(xp, x, g, self.attrs["kernel_size"], _conv_attrs(self))

    def backward(self, xp, h, x, g, *, out):
        attrs = _conv_attrs(self)
        gx = call(xp, Conv2dInputGrad(input_shape=tuple(x.shape), **attrs), g, h)
        gg = call(xp, Conv2d(**attrs), x, h)
        return gx, gg
