"""judge(): compare a student's answer with the expected one and say *why* it is wrong.

The diagnosis runs from the coarse to the fine: not answered, not a number, the wrong shape (the
transpose? a broadcast gradient not summed back?), then the values (a listed typical mistake, all
zeros, the opposite sign, a constant factor, and finally which elements differ). Each kind of mistake
gets its own hint; an exercise may add typical wrong answers of its own (`Mistake`).
"""
import dis
from numbers import Real

import numpy as np

from ..scalar import Value
from ..tensor import Tensor
from .verdict import Verdict

HINTS = {
    "sign": "Check the signs: a minus sign lost or extra, or a subtraction the wrong way round.",
    "factor": "A factor is missing or extra (the n of n·xⁿ⁻¹, the 1/N of a mean, or the upstream gradient).",
    "transpose": "Rows and columns are swapped: x @ W or W @ x, and is a .T missing or extra?",
    "accumulation": "Contributions are missing: where a value is used several times (or broadcast), "
                    "add up (+=) what each use hands back.",
    "zero": "Did the gradient reach this node? Backpropagation starts with ∂f/∂f = 1 at the output.",
    "nan": "Look for an exp that overflows or a division by zero.",
}


class Mistake:
    """A typical wrong answer an exercise knows about: `value` (what that mistake gives), its `kind`
    (one of the hint kinds, or a new word), and a `hint` saying what went wrong."""

    __slots__ = ("kind", "value", "hint")

    def __init__(self, kind: str, value, hint: str = ""):
        self.kind, self.value, self.hint = kind, value, hint


def unanswered(answer) -> bool:
    """True for `...`, None, or a list/tuple still holding a `...`."""
    if answer is Ellipsis or answer is None:
        return True
    return isinstance(answer, (list, tuple)) and any(unanswered(a) for a in answer)


def as_array(x):
    """The answer as a float64 array, or a sentence saying why it cannot be one."""
    if isinstance(x, bool):
        return f"expected a number, got {x!r}"
    if isinstance(x, Value):
        return "expected a number, got a Value node: pass its .data (the number) or its .grad"
    if isinstance(x, Tensor):
        x = x.detach().numpy()
    if isinstance(x, Real):
        return np.asarray(float(x))
    if isinstance(x, (np.ndarray, list, tuple)):
        try:
            a = np.asarray(x, dtype=np.float64)
        except (TypeError, ValueError):
            return f"expected numbers, got {type(x).__name__} {_short(x)} (ragged, or not all numbers)"
        return a
    return f"expected a number, got {type(x).__name__} {_short(x)}"


def judge(name: str, answer, expected, hint: str = "", *, tol: float = 1e-6, mistakes=(),
          hints: dict | None = None) -> Verdict:
    """The verdict on `answer` (number, list, NumPy array or Tensor) against `expected`, without showing it.

    `hint` is said when no particular mistake is recognised; `hints` replaces the default hint of a kind;
    `mistakes` lists typical wrong answers (`Mistake`) this exercise knows about.
    """
    hints = {**HINTS, **(hints or {})}
    if unanswered(answer):
        return Verdict(False, name, f"… {name}: not answered yet. Replace the ... with your answer and run "
                                    "the cell again.", "unanswered")
    got, want = as_array(answer), np.asarray(as_array(expected))
    if isinstance(got, str):
        return Verdict(False, name, f"✗ {name}: {got}.", "type")
    if got.shape != want.shape:
        return _shape_verdict(name, got, want, hints)
    close = _close(got, want, tol)
    if close.all():
        shown = f" = {_num(want)}" if want.ndim == 0 else f" (shape {want.shape})"
        return Verdict(True, name, f"✓ {name}{shown}: correct!", "correct")
    kind, detail = _value_mistake(got, want, close, tol, mistakes)
    advice = hints.get(kind, "") if kind != "value" else hint
    matching = [m for m in mistakes if m.kind == kind and m.hint and _same(got, m.value, tol)]
    if matching:
        advice = matching[0].hint
    text = f"✗ {name}: {detail}" + (f" Hint: {advice}" if advice else "")
    return Verdict(False, name, text, kind)


def _shape_verdict(name: str, got, want, hints: dict) -> Verdict:
    said = f"expected shape {want.shape}, got {got.shape}."
    if got.ndim == 2 and got.shape == want.shape[::-1]:
        same = np.allclose(got.T, want)
        detail = ("this is the transpose of the right answer: " if same else "") + said
        return Verdict(False, name, f"✗ {name}: {detail} Hint: {hints['transpose']}", "transpose")
    axes = _broadcast_axes(got.shape, want.shape)
    if axes is not None:
        summed = got.sum(axis=axes).reshape(want.shape)
        fix = f"sum it over axis {axes[0]}" if len(axes) == 1 else f"sum it over axes {axes}"
        right = " (summed, it is right)" if np.allclose(summed, want) else ""
        return Verdict(False, name, f"✗ {name}: {said} It has the broadcast shape: {fix}{right}, as "
                                    "backpropagation does for every input that broadcasting stretched. "
                                    f"Hint: {hints['accumulation']}", "accumulation")
    if got.size == want.size and np.allclose(got.reshape(want.shape), want):
        return Verdict(False, name, f"✗ {name}: the numbers are right but the shape is not: {said} "
                                    "Reshape it (or keep/drop the size-1 axes).", "shape")
    return Verdict(False, name, f"✗ {name}: {said}", "shape")


def _broadcast_axes(big: tuple, small: tuple):
    """The axes to sum `big` over to get back `small` when `small` broadcasts to `big`, else None."""
    if len(small) > len(big) or np.prod(small, dtype=int) >= np.prod(big, dtype=int):
        return None
    padded = (1,) * (len(big) - len(small)) + tuple(small)
    if any(s not in (1, b) for s, b in zip(padded, big)):
        return None
    return tuple(i for i, (s, b) in enumerate(zip(padded, big)) if s == 1 and b != 1)


def _value_mistake(got, want, close, tol: float, mistakes) -> tuple:
    """(kind, sentence) for an answer of the right shape with some wrong values."""
    if not np.isfinite(got).all() and np.isfinite(want).all():
        where = np.argwhere(~np.isfinite(got))
        at = f" at index {tuple(int(i) for i in where[0])}" if got.ndim else ""
        return "nan", f"it contains {_num(got[tuple(where[0])])}{at}."
    for mistake in mistakes:
        if _same(got, mistake.value, tol):
            return mistake.kind, f"{_shown(got)} is not right."
    if got.ndim > 0 and not got.any() and want.any():
        return "zero", "your answer is all zeros."
    if got.ndim == 2 and got.shape[0] == got.shape[1] and _close(got.T, want, tol).all():
        return "transpose", "your answer is the transpose of the right one."
    if want.any() and _close(got, -want, tol).all():
        return "sign", f"{_shown(got)} has the opposite sign."
    ratio = _constant_ratio(got, want, tol)
    if ratio is not None and (got.size > 1 or _nice(ratio)):
        return "factor", f"{_shown(got)} is {_factor_words(ratio)}."
    if got.ndim == 0:
        return "value", f"{_num(got)} is not right."
    wrong = np.argwhere(~close)
    first = tuple(int(i) for i in wrong[0])
    flipped = _close(got[~close], -want[~close], tol).all() and want[~close].any()
    are = "is" if len(wrong) == 1 else "are"
    detail = (f"{len(wrong)} of {got.size} elements {are} wrong; the first is at index {first}, where you "
              f"have {_num(got[first])}.")
    if flipped:
        return "sign", detail + " Every wrong element has the opposite sign."
    return "value", detail


def _constant_ratio(got, want, tol: float):
    """got / want where that is one constant (other than 1, -1 and 0) and zeros agree, else None."""
    nonzero = ~_close(want, np.zeros_like(want), tol)
    if not nonzero.any() or not _close(got[~nonzero], np.zeros_like(got[~nonzero]), tol).all():
        return None
    ratios = got[nonzero] / want[nonzero]
    r = float(ratios.flat[0])
    if not np.allclose(ratios, r, rtol=1e-4, atol=0) or abs(r) < 1e-12 or np.isclose(abs(r), 1.0):
        return None
    return r


def _whole_factor(r: float):
    """(k, "too big") or (k, "too small") when |r| or 1/|r| is a whole number k >= 2, else None."""
    for value, words in ((abs(r), "too big"), (1 / abs(r), "too small")):
        k = round(value)
        if 2 <= k <= 10_000 and abs(value - k) < 1e-3 * k:
            return k, words
    return None


def _nice(r: float) -> bool:
    """A factor a single number can be trusted to show: a whole multiple or fraction."""
    return _whole_factor(r) is not None


def _factor_words(r: float) -> str:
    """'2 times too big', '64 times too small', or 'off by a constant factor of 1.37'."""
    sign = "" if r > 0 else " and has the opposite sign"
    whole = _whole_factor(r)
    if whole is not None:
        return f"{whole[0]} times {whole[1]}{sign}"
    return f"off by a constant factor of {r:.4g}"


def _close(a, b, tol: float):
    return np.isclose(a, b, rtol=tol, atol=tol)


def _same(got, value, tol: float) -> bool:
    value = as_array(value)
    return not isinstance(value, str) and value.shape == got.shape and bool(_close(got, value, tol).all())


def _num(x) -> str:
    return f"{float(x):.6g}"


def _shown(a) -> str:
    return _num(a) if a.ndim == 0 else "your answer"


def _short(x) -> str:
    text = repr(x)
    return text if len(text) <= 40 else text[:37] + "..."


def judge_function(name: str, fn, cases, reference, hint: str = "", *, tol: float = 1e-6, mistakes=(),
                   hints: dict | None = None) -> Verdict:
    """Run the student's `fn` on each case (a tuple of arguments) and judge it against `reference(*case)`.

    A `Mistake` whose value is a function gives that mistake's answer for each case. An exception in
    `fn` becomes a verdict naming the input, not a traceback; `None` from the first case means the body
    is still `...`.
    """
    if unanswered(fn) or is_stub(fn):
        return not_written(name, "its body is still ...")
    if not callable(fn):
        return Verdict(False, name, f"✗ {name}: expected a function, got {type(fn).__name__} {_short(fn)}.",
                       "type")
    for case in cases:
        call = f"{name}({', '.join(_argument(a) for a in case)})"
        try:
            got = fn(*case)
        except Exception as err:           # the student's code: report it as a verdict, never a traceback
            return raised(name, call, err)
        if unanswered(got) and case is cases[0]:
            return not_written(name, "it returns ..." if got is Ellipsis else "it returns None")
        expected = reference(*case)
        verdict = judge(call, got, expected, hint, tol=tol, hints=hints,
                        mistakes=[_for_case(m, case) for m in mistakes])
        if not verdict:
            return verdict
    return Verdict(True, name, f"✓ {name}: correct on all {len(cases)} test inputs!", "correct")


def is_stub(fn) -> bool:
    """True for a function whose body is only `...`, `pass` or a docstring: the exercise is not done yet."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return False
    ops = [(i.opname, i.argval) for i in dis.get_instructions(code) if i.opname not in ("RESUME", "NOP")]
    return ops in ([("LOAD_CONST", None), ("RETURN_VALUE", None)], [("RETURN_CONST", None)])


def raised(name: str, where: str, err: Exception) -> Verdict:
    """The verdict on student code that raised: the error's type and message, where it happened."""
    return Verdict(False, name, f"✗ {where} raised {type(err).__name__}: {err}", "error")


def not_written(name: str, why: str = "it returns None") -> Verdict:
    """The verdict on a function whose body is still `...`."""
    return Verdict(False, name, f"… {name}: not written yet ({why}). Replace the ... with your code and run "
                                "the cell again.", "unanswered")


def _for_case(mistake: Mistake, case) -> Mistake:
    if not callable(mistake.value):
        return mistake
    try:
        value = mistake.value(*case)
    except Exception:              # a mistake that cannot happen on this input simply does not match
        value = None
    return Mistake(mistake.kind, value, mistake.hint)


def _argument(a) -> str:
    if isinstance(a, (np.ndarray, Tensor)):
        return f"<array of shape {tuple(a.shape)}>"
    return _num(a) if isinstance(a, Real) and not isinstance(a, bool) else _short(a)
