"""Indexing. An index is stored as plain data (`index` attr) plus index arrays passed as extra inputs.

Spec entries: an int, ("slice", start, stop, step), None (new axis), "..." (Ellipsis), or
("array", k) meaning the k-th index array input. Keeping arrays as inputs keeps attrs JSON-able and the
op re-runnable; indexing with arrays (including repeated indices) is scattered back with add.at.
"""

from .base import Op, call


def build_key(spec: tuple, arrays: tuple) -> tuple:
    """Turn a spec (plus its index arrays) back into a NumPy index tuple."""
    key: list = []
    for entry in spec:
        if entry is None or type(entry) is int:
            key.append(entry)
        elif entry == "...":
            key.append(Ellipsis)
        elif entry[0] == "slice":
            key.append(slice(entry[1], entry[2], entry[3]))
        else:
            key.append(arrays[entry[1]])
    return tuple(key)


def uses_arrays(spec: tuple) -> bool:
    return any(type(entry) is tuple and entry[0] == "array" for entry in spec)


class GetItem(Op):
    __slots__ = ()
    name = "getitem"
    local = ("1 at the picked elements",)

    def forward(self, xp, x, *index_arrays):
        return x[build_key(self.attrs["index"], index_arrays)]

    def backward(self, xp, g, x, *index_arrays, out):
        spec = self.attrs["index"]
        gx = call(xp, IndexAdd(shape=tuple(x.shape), index=spec), g, *index_arrays)
        return (gx,) + (None,) * len(index_arrays)


class IndexAdd(Op):
    """The reverse of GetItem: a zero tensor of `shape` with `src` added at the indexed places
    (repeated indices add up). It is the backward of indexing and its backward is indexing again."""

    __slots__ = ()
    name = "index_add"
    local = ("1 at the indexed places",)

    def forward(self, xp, src, *index_arrays):
        spec = self.attrs["index"]
        out = xp.zeros(self.attrs["shape"], dtype=src.dtype)
        key = build_key(spec, index_arrays)
        if uses_arrays(spec):
            xp.add.at(out, key, src)
        else:
            out[key] = src
        return out

    def backward(self, xp, g, src, *index_arrays, out):
        picked = call(xp, GetItem(index=self.attrs["index"]), g, *index_arrays)
        return (picked,) + (None,) * len(index_arrays)
