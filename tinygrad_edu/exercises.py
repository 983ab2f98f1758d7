"""Self-checking exercises for the lessons: say what is right, and for a wrong answer, why.

Why a function and not an `assert`: a lesson must run top to bottom before the student has
answered (CI runs it that way), and a wrong answer deserves a hint, not a traceback.
"""
import math
from numbers import Real


def check(name: str, answer, expected: float, hint: str = "", tol: float = 1e-6) -> bool:
    """Compare a student's number with the expected one; print a verdict and return True if right."""
    if answer is Ellipsis or answer is None:
        print(f"{name}: not answered yet. Replace the ... with your number and run the cell again.")
        return False
    if isinstance(answer, bool) or not isinstance(answer, Real):
        print(f"{name}: expected a number, got {type(answer).__name__} {answer!r}.")
        return False
    if math.isclose(float(answer), expected, rel_tol=tol, abs_tol=tol):
        print(f"{name} = {expected:g}: correct!")
        return True
    sign_flip = math.isclose(float(answer), -expected, rel_tol=tol, abs_tol=tol) and expected != 0
    advice = " Check the sign." if sign_flip else (f" Hint: {hint}" if hint else "")
    print(f"{name}: {answer!r} is not right.{advice}")
    return False
