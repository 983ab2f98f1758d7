"""Einstein summation, and why its gradient is just another einsum.

out[o] = sum over the letters missing from o of prod_k operand_k[s_k]. The derivative with respect to
operand k is therefore "the same sum with operand k left out and g put in": einsum(g, other operands ->
s_k). Two details need one extra step, done by `EinsumExpand`:
- a letter only operand k has (summed inside it alone, e.g. j in "ij->i") gets the gradient broadcast
  along it;
- a letter repeated in s_k (a diagonal or trace, "ii->") gets the gradient on that diagonal, zeros off it.
`EinsumExpand` is exactly the transpose of the einsum that sums/extracts the diagonal, so the pair is
closed under differentiation and gradients of gradients work.

The Tensor-level `einsum` normalises equations before they reach these ops: "..." becomes letters,
the implicit output ("ij,jk" means "ij,jk->ik") is written out, so `equation` is always explicit.
"""

import string

from .base import Op, call

LETTERS = string.ascii_lowercase + string.ascii_uppercase


def _split(equation: str):
    inputs, output = equation.split("->")
    return inputs.split(","), output


def _unique(subscripts: str) -> str:
    return "".join(dict.fromkeys(subscripts))


def _parse_side(op: str, text: str, ndim: int, ellipsis_letters: str, where: str) -> str:
    """One operand's subscripts with "..." replaced by the right-most letters of `ellipsis_letters`."""
    if text.count("...") > 1 or text.replace("...", "").strip(LETTERS):
        raise ValueError(f"{op}: {where} subscripts {text!r} may hold letters a-z, A-Z and one '...'")
    if "..." not in text:
        if len(text) != ndim:
            raise ValueError(
                f"{op}: {where} subscripts {text!r} name {len(text)} dimensions, but the operand has {ndim}"
            )
        return text
    rank = ndim - (len(text) - 3)
    if rank < 0:
        raise ValueError(f"{op}: {where} subscripts {text!r} name more dimensions than the operand's {ndim}")
    return text.replace("...", ellipsis_letters[len(ellipsis_letters) - rank :] if rank else "")


def normalize_equation(equation: str, ndims: tuple) -> str:
    """An explicit equation without spaces or "...", checked against the operands' ranks.

    "...ij,...jk" (implicit output) becomes e.g. "Aij,Ajk->Aik": letters unused by the equation stand
    for the broadcast "..." dimensions, which come first in an implicit output, followed by the letters
    used exactly once, in ASCII order, capitals first (NumPy's and PyTorch's rule).
    """
    if not isinstance(equation, str):
        raise TypeError(f"einsum: the equation must be a string, got {type(equation).__name__}")
    compact = equation.replace(" ", "")
    inputs, arrow, output = compact.partition("->")
    sides = inputs.split(",")
    if len(sides) != len(ndims):
        raise ValueError(
            f"einsum: equation {equation!r} has {len(sides)} operand(s), "
            f"but {len(ndims)} tensor(s) were given"
        )
    free = [c for c in LETTERS if c not in compact]
    rank = max((nd - len(s.replace("...", "")) for s, nd in zip(sides, ndims) if "..." in s), default=0)
    ellipsis_letters = "".join(free[:rank])
    parsed = [
        _parse_side("einsum", s, nd, ellipsis_letters, f"operand {k}")
        for k, (s, nd) in enumerate(zip(sides, ndims))
    ]
    used = "".join(parsed)
    if arrow:
        if "..." in output and "..." not in inputs:
            raise ValueError(f"einsum: equation {equation!r} has '...' in the output but not in any input")
        out = output.replace("...", ellipsis_letters)
        if out.strip(LETTERS):
            raise ValueError(f"einsum: output subscripts {output!r} may hold letters a-z, A-Z and one '...'")
        for c in out:
            if c not in used:
                raise ValueError(f"einsum: output letter {c!r} of {equation!r} appears in no input")
            if out.count(c) > 1:
                raise ValueError(f"einsum: output letter {c!r} of {equation!r} appears more than once")
    else:
        singles = sorted(c for c in set(used) if used.count(c) == 1 and c not in ellipsis_letters)
        out = ellipsis_letters + "".join(singles)
    return ",".join(parsed) + "->" + out


def check_sizes(equation: str, shapes: tuple) -> None:
    """Every letter must have one size across operands (size 1 broadcasts, as in NumPy/PyTorch)."""
    sides, _ = _split(equation)
    sizes: dict = {}
    for k, (subs, shape) in enumerate(zip(sides, shapes)):
        seen: dict = {}
        for letter, size in zip(subs, shape):
            if letter in seen and seen[letter] != size:
                raise ValueError(
                    f"einsum: operand {k} of shape {tuple(shape)} repeats {letter!r} "
                    f"over dimensions of sizes {seen[letter]} and {size}"
                )
            seen[letter] = size
            known = sizes.get(letter, 1)
            if size != 1 and known != 1 and size != known:
                raise ValueError(
                    f"einsum: {letter!r} has size {known} in one operand and {size} in "
                    f"operand {k} of shape {tuple(shape)} ({equation})"
                )
            sizes[letter] = max(known, size)


class Einsum(Op):
    """attrs: equation, explicit ("ij,jk->ik"). Forward is `xp.einsum` with a contraction order search."""

    __slots__ = ()
    name = "einsum"

    @property  # computed from the equation, not a class constant
    def local(self) -> tuple:  # type: ignore[override]
        """Per operand, the einsum its gradient is, e.g. ("einsum(ik,jk->ij: g, b)", ...) for matmul."""
        sides, output = _split(self.attrs["equation"])
        names = "abcdefghijklmnopqrstuvwxyz"
        texts = []
        for k, subs in enumerate(sides):
            others = [(s, names[i % 26]) for i, s in enumerate(sides) if i != k]
            spec = ",".join([output] + [s for s, _ in others])
            texts.append(f"einsum({spec}->{subs}: g{''.join(', ' + n for _, n in others)})")
        return tuple(texts)

    def forward(self, xp, *operands):
        return xp.einsum(self.attrs["equation"], *operands, optimize=len(operands) > 1)

    def backward(self, xp, g, *operands, out):
        sides, output = _split(self.attrs["equation"])
        grads = []
        for k, (subs, operand) in enumerate(zip(sides, operands)):
            others = sides[:k] + sides[k + 1 :]
            reach = output + "".join(others)
            kept = "".join(c for c in _unique(subs) if c in reach)
            grad = call(
                xp,
                Einsum(equation=",".join([output, *others]) + "->" + kept),
                g,
                *operands[:k],
                *operands[k + 1 :],
            )
            stretched = tuple(
                i for i, c in enumerate(kept) if operand.shape[subs.index(c)] == 1 and grad.shape[i] != 1
            )
            if stretched:  # the operand was broadcast along these letters
                grad = xp.sum(grad, axis=stretched, keepdims=True)
            if kept != subs:
                grad = call(xp, EinsumExpand(equation=f"{kept}->{subs}", shape=tuple(operand.shape)), grad)
            grads.append(grad)
        return tuple(grads)


class EinsumExpand(Op):
    """The transpose of einsum("iij->ij"): broadcast along letters new to the output and put values on
    the diagonal of repeated letters (zeros elsewhere). attrs: equation ("ij->iij"), shape (output)."""

    __slots__ = ()
    name = "einsum_expand"
    local = ("einsum(h) summing the new letters and reading the diagonal",)

    def forward(self, xp, a):
        (source,), target = _split(self.attrs["equation"])
        size = dict(zip(target, self.attrs["shape"]))
        spare = iter(c for c in LETTERS if c not in target)
        subs, extra, out, placed = [source], [], "", set(source)
        for letter in target:
            if letter not in placed:  # first sighting of a new letter: ones along it
                subs.append(letter)
                extra.append(xp.ones(size[letter], dtype=a.dtype))
                placed.add(letter)
                out += letter
            elif letter in out:  # a repeat: a fresh letter tied to it by an identity
                twin = next(spare)
                subs.append(letter + twin)
                extra.append(xp.eye(size[letter], dtype=a.dtype))
                out += twin
            else:
                out += letter
        return xp.einsum(",".join(subs) + "->" + out, a, *extra, optimize=True)

    def backward(self, xp, h, a, *, out):
        (source,), target = _split(self.attrs["equation"])
        return (call(xp, Einsum(equation=f"{target}->{source}"), h),)
