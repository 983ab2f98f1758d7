"""Shape ops: they move or copy elements without arithmetic, so their backward moves the gradient back."""

from .base import Op, unbroadcast


class Reshape(Op):
    """Also behind view, flatten, squeeze and unsqueeze."""

    __slots__ = ()
    name = "reshape"
    local = ("1 (same elements, new shape)",)

    def forward(self, xp, x):
        return x.reshape(self.attrs["shape"])

    def backward(self, xp, g, x, *, out):
        return (g.reshape(x.shape),)


class Permute(Op):
    """Reorder axes (transpose, .T, permute); the backward applies the inverse order."""

    __slots__ = ()
    name = "permute"
    local = ("1 (inverse permutation)",)

    def forward(self, xp, x):
        return xp.transpose(x, self.attrs["dims"])

    def backward(self, xp, g, x, *, out):
        dims = self.attrs["dims"]
        inverse = [0] * len(dims)
        for position, axis in enumerate(dims):
            inverse[axis] = position
        return (xp.transpose(g, tuple(inverse)),)


class Expand(Op):
    """Broadcast to a bigger shape (expand, broadcast_to); the backward sums the copies."""

    __slots__ = ()
    name = "expand"
    local = ("1 per copy (summed)",)

    def forward(self, xp, x):
        return xp.broadcast_to(x, self.attrs["shape"])

    def backward(self, xp, g, x, *, out):
        return (unbroadcast(xp, g, x.shape),)


def _slice_along(axis: int, start, stop) -> tuple:
    return (slice(None),) * axis + (slice(start, stop),)


class Cat(Op):
    __slots__ = ()
    name = "cat"
    local = ("1 on its own slice",)

    def forward(self, xp, *xs):
        return xp.concatenate(xs, axis=self.attrs["axis"])

    def backward(self, xp, g, *xs, out):
        axis, start, grads = self.attrs["axis"], 0, []
        for x in xs:
            stop = start + x.shape[axis]
            grads.append(g[_slice_along(axis, start, stop)])
            start = stop
        return tuple(grads)


class Stack(Op):
    __slots__ = ()
    name = "stack"
    local = ("1 on its own slice",)

    def forward(self, xp, *xs):
        if self.attrs["axis"] == 0 and xs[0].ndim:        # one C call, where xp.stack makes a view per input
            return xp.concatenate(xs).reshape((len(xs),) + xs[0].shape)
        return xp.stack(xs, axis=self.attrs["axis"])

    def backward(self, xp, g, *xs, out):
        lead = (slice(None),) * self.attrs["axis"]
        return tuple(g[lead + (i,)] for i in range(len(xs)))


class Pad(Op):
    """Constant padding; `pad_width` is NumPy style: one (before, after) pair per axis."""

    __slots__ = ()
    name = "pad"
    local = ("1 inside, the padding gets nothing",)

    def forward(self, xp, x):
        return xp.pad(x, self.attrs["pad_width"], mode="constant", constant_values=self.attrs["value"])

    def backward(self, xp, g, x, *, out):
        key = tuple(
            slice(before, before + size) for (before, _), size in zip(self.attrs["pad_width"], x.shape)
        )
        return (g[key],)


class Flip(Op):
    __slots__ = ()
    name = "flip"
    local = ("1 (mirrored)",)

    def forward(self, xp, x):
        return xp.flip(x, axis=self.attrs["axes"])

    def backward(self, xp, g, x, *, out):
        return (xp.flip(g, axis=self.attrs["axes"]),)


class Repeat(Op):
    """torch's Tensor.repeat (NumPy's tile): `repeats` has at least x.ndim entries."""

    __slots__ = ()
    name = "repeat"
    local = ("1 per copy (summed)",)

    def forward(self, xp, x):
        return xp.tile(x, self.attrs["repeats"])

    def backward(self, xp, g, x, *, out):
        repeats = self.attrs["repeats"]
        shape = (1,) * (len(repeats) - x.ndim) + tuple(x.shape)
        split = []
        for r, size in zip(repeats, shape):
            split += [r, size]
        summed = g.reshape(tuple(split)).sum(axis=tuple(range(0, 2 * len(shape), 2)))
        return (summed.reshape(x.shape),)
