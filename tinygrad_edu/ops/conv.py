"""2-D convolution (PyTorch's cross-correlation) as im2col + matrix multiply, and its two gradients.

Why im2col: every output pixel is a dot product between a weight filter and one window of the input.
Copying all windows side by side into a "column" matrix turns the whole convolution into one batched
matrix multiply, which BLAS does fast. The windows come from one strided *view* of the padded input (no
Python loop over pixels); only the scatter back (col2im) loops, over the kh*kw kernel offsets.

Shapes: x (N, C, H, W), weight (O, C/groups, kh, kw), bias (O,), out (N, O, Ho, Wo). Attributes, as
the Tensor-level `conv2d` normalises them: stride (sh, sw), padding (top, bottom, left, right),
dilation (dh, dw), groups.

The three ops below are closed under differentiation, which gives gradients of gradients for free:
conv's input gradient is a transposed convolution (`Conv2dInputGrad`), its weight gradient a
correlation of the input with the output gradient (`Conv2dWeightGrad`), and the backward of each of
those is again one of the three.
"""

from .base import Op, call


def _pad(xp, x, padding):
    top, bottom, left, right = padding
    if not any(padding):
        return x
    return xp.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)))


def _columns(xp, x, kernel_hw, attrs):
    """im2col: (N, G, C/G * kh * kw, Ho * Wo), column [n, g, (c, i, j), (y, x)] is
    x_padded[n, g*C/G + c, y*sh + i*dh, x*sw + j*dw]. One strided view, one copy. Also returns (Ho, Wo)."""
    kh, kw = kernel_hw
    (sh, sw), (dh, dw) = attrs["stride"], attrs["dilation"]
    xpad = _pad(xp, x, attrs["padding"])
    span = (dh * (kh - 1) + 1, dw * (kw - 1) + 1)
    windows = xp.lib.stride_tricks.sliding_window_view(xpad, span, axis=(2, 3))
    windows = windows[:, :, ::sh, ::sw, ::dh, ::dw]  # (N, C, Ho, Wo, kh, kw)
    n, c, ho, wo = windows.shape[:4]
    groups = attrs["groups"]
    cols = windows.transpose(0, 1, 4, 5, 2, 3).reshape(n, groups, c // groups * kh * kw, ho * wo)
    return cols, (ho, wo)


def _conv(xp, x, w, attrs):
    """Convolution without bias: (N, C, H, W) * (O, C/G, kh, kw) -> (N, O, Ho, Wo), and the columns."""
    o, cg, kh, kw = w.shape
    groups = attrs["groups"]
    cols, out_hw = _columns(xp, x, (kh, kw), attrs)
    out = xp.matmul(w.reshape(groups, o // groups, cg * kh * kw), cols)  # (N, G, O/G, Ho*Wo)
    return out.reshape(x.shape[0], o, *out_hw), cols


def _col2im(xp, cols, input_shape, attrs, kernel_hw, out_hw):
    """Inverse layout of `_columns`, summing where windows overlap: a loop over the kh*kw kernel
    offsets, each adding one strided slab of the padded image."""
    kh, kw = kernel_hw
    ho, wo = out_hw
    (sh, sw), (dh, dw) = attrs["stride"], attrs["dilation"]
    top, bottom, left, right = attrs["padding"]
    n, c, h, w = input_shape
    cols = cols.reshape(n, c, kh, kw, ho, wo)
    image = xp.zeros((n, c, h + top + bottom, w + left + right), dtype=cols.dtype)
    for i in range(kh):
        for j in range(kw):
            y, x = i * dh, j * dw
            image[:, :, y : y + sh * (ho - 1) + 1 : sh, x : x + sw * (wo - 1) + 1 : sw] += cols[:, :, i, j]
    return image[:, :, top : top + h, left : left + w]


def _input_grad(xp, g, w, input_shape, attrs):
    """dL/dx = transposed convolution of g with w: each output pixel's gradient spread over its window."""
    o, cg, kh, kw = w.shape
    groups = attrs["groups"]
    n, _, ho, wo = g.shape
    g = g.reshape(n, groups, o // groups, ho * wo)
    wt = w.reshape(groups, o // groups, cg * kh * kw).transpose(0, 2, 1)
    cols = xp.matmul(wt, g)  # (N, G, C/G*kh*kw, Ho*Wo)
    return _col2im(xp, cols, input_shape, attrs, (kh, kw), (ho, wo))


def _weight_grad(xp, x, g, kernel_hw, attrs, cols=None):
    """dL/dw = sum over batch and pixels of (output gradient) x (input window)."""
    groups = attrs["groups"]
    if cols is None:
        cols, _ = _columns(xp, x, kernel_hw, attrs)  # (N, G, K, P)
    n, o, ho, wo = g.shape
    g = g.reshape(n, groups, o // groups, ho * wo)
    per_sample = xp.matmul(g, cols.transpose(0, 1, 3, 2))  # (N, G, O/G, K)
    return per_sample.sum(axis=0).reshape(o, x.shape[1] // groups, *kernel_hw)


def _recording(xp) -> bool:
    """True when `xp` is the Tensor namespace of create_graph=True (the one `base.call` records on)."""
    return hasattr(xp, "apply_op")


def _conv_attrs(op):
    return {k: op.attrs[k] for k in ("stride", "padding", "dilation", "groups")}


class Conv2d(Op):
    """out[n, o] = bias[o] + sum over c, i, j of w[o, c, i, j] * x_padded[n, c, y*s + i*d, x*s + j*d].

    attrs also hold `input_grad`: False when the input needs no gradient (images in a first layer),
    which skips the transposed convolution, the most expensive part of the backward.

    The im2col columns of the forward are kept (with the input they came from) until the first backward
    on that same input uses them for the weight gradient, as PyTorch keeps "saved tensors", so the input
    is not unfolded twice; results still depend only on the inputs and attrs."""

    __slots__ = ("_saved",)
    name = "conv2d"
    local = ("conv_transpose2d(g, w)", "correlate(x, g)", "sum of g over N, H, W")

    def __init__(self, **attrs):
        super().__init__(**attrs)
        self._saved = None

    def forward(self, xp, x, w, b=None):
        out, columns = _conv(xp, x, w, self.attrs)
        self._saved = (x, columns)
        if b is not None:
            out += b.reshape(1, -1, 1, 1)
        return out

    def backward(self, xp, g, x, w, b=None, *, out):
        attrs = _conv_attrs(self)
        gx = None
        if self.attrs.get("input_grad", True):
            gx = call(xp, Conv2dInputGrad(input_shape=tuple(x.shape), **attrs), g, w)
        saved, self._saved = self._saved, None
        if saved is None or saved[0] is not x or _recording(xp):
            gw = call(xp, Conv2dWeightGrad(kernel_size=tuple(w.shape[2:]), **attrs), x, g)
        else:
            gw = _weight_grad(xp, x, g, tuple(w.shape[2:]), attrs, saved[1])
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
