"""Self-checking exercises for the lessons: say what is right, and for a wrong answer, why.

Why functions and not `assert`: a lesson must run top to bottom before the student has answered (the
test suite runs it that way), and a wrong answer deserves a hint, not a traceback. Every check shows
its verdict as a sentence and returns it (truthy when right; `.kind` names the mistake).

- `check(name, answer, expected, hint)`: numbers and arrays, with the diagnosis of `judge`.
- `check_function(name, fn, cases, reference)`: a function the student wrote, input by input.
- `reveal(animator, node, guess)`: predict a value or gradient, then the animator shows it.
- `lesson03` ... `lesson12`: the checks of each lesson's exercises.
- `budget(full, fast)`: training sizes that shrink when the test suite sets TINYGRAD_EDU_FAST=1.
"""
import os

from .judge import HINTS, Mistake, judge, judge_function
from .predict import reveal
from .verdict import Verdict

FAST_VARIABLE = "TINYGRAD_EDU_FAST"


def check(name: str, answer, expected, hint: str = "", *, tol: float = 1e-6, mistakes=(),
          hints: dict | None = None) -> Verdict:
    """Compare a student's number or array with the expected one, show the verdict and return it."""
    return judge(name, answer, expected, hint, tol=tol, mistakes=mistakes, hints=hints).show()


def check_function(name: str, fn, cases, reference, hint: str = "", *, tol: float = 1e-6, mistakes=(),
                   hints: dict | None = None) -> Verdict:
    """Run the student's `fn` on each case (a tuple of arguments) against `reference`; show the verdict."""
    return judge_function(name, fn, cases, reference, hint, tol=tol, mistakes=mistakes, hints=hints).show()


def fast() -> bool:
    """True when the lessons run with a small budget (the test suite sets TINYGRAD_EDU_FAST=1)."""
    return os.environ.get(FAST_VARIABLE, "").strip().lower() in ("1", "true", "yes")


def budget(full, fast_value):
    """`full` on your computer, `fast_value` in the test suite: `epochs = budget(30, 2)`."""
    return fast_value if fast() else full


__all__ = ["check", "check_function", "reveal", "budget", "fast", "Verdict", "Mistake", "HINTS", "judge",
           "judge_function", "FAST_VARIABLE"]
