"""Where each kernel offset of a sliding window reads: the geometry convolution and pooling share.

For a kh x kw kernel, the input under offset (i, j) of every window at once is ONE strided slice of
the padded image, so both ops loop over the kh*kw offsets (never over pixels or samples)."""

from functools import lru_cache


@lru_cache(maxsize=256)
def offset_slices(out_hw: tuple, kernel: tuple, stride: tuple, dilation: tuple) -> tuple:
    """Per kernel offset (row-major, as PyTorch scans a window): the (rows, cols) slices of the padded
    input holding that offset's element of every window. Cached: a network asks the same shapes every step."""
    (ho, wo), (sh, sw), (dh, dw) = out_hw, stride, dilation
    rows = [slice(i * dh, i * dh + sh * (ho - 1) + 1, sh) for i in range(kernel[0])]
    cols = [slice(j * dw, j * dw + sw * (wo - 1) + 1, sw) for j in range(kernel[1])]
    return tuple((r, c) for r in rows for c in cols)
