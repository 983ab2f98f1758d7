"""The lessons' exercise checker gives a verdict, never a traceback."""
import numpy as np
import pytest

from tests.test_snapshot_value import classic
from tinygrad_edu.exercises import Verdict, budget, check, check_function, reveal
from tinygrad_edu.widgets import GraphAnimator


@pytest.mark.parametrize("answer, ok, says", [
    (-4, True, "correct"),
    (-4.0000000001, True, "correct"),
    (4, False, "Check the sign"),
    (3, False, "Hint: multiply"),
    (..., False, "not answered yet"),
    (None, False, "not answered yet"),
    ("-4", False, "expected a number, got str"),
])
def test_check_gives_a_verdict(capsys, answer, ok, says):
    assert bool(check("df/dx", answer, expected=-4.0, hint="multiply along the path")) is ok
    assert says in capsys.readouterr().out


def test_a_verdict_is_text_coloured_by_kind_and_escaped():
    right = check("x", 1.0, 1.0)
    todo = check("x", ..., 1.0)
    wrong = check("<b>", 2.0, 1.0)
    assert "#2e7d32" in right._repr_html_() and "#7a8699" in todo._repr_html_()
    assert "#c62828" in wrong._repr_html_()
    assert "&lt;b&gt;" in wrong._repr_html_() and "<b>" not in wrong._repr_html_()
    assert repr(right) == "✓ x = 1: correct!"


def test_combined_verdicts_take_the_first_wrong_kind():
    parts = [check("a", 1, 1), check("b", -1, 1), check("c", 2, 1)]
    combined = Verdict.combine("all", parts)
    assert not combined and combined.kind == "sign" and combined.text.count("\n") == 2


def test_check_function_reports_the_input_and_never_raises(capsys):
    assert check_function("f", lambda x: 1 / x, [(2.0,), (0.0,)], lambda x: 0.5).kind == "error"
    assert "f(0) raised ZeroDivisionError" in capsys.readouterr().out


def test_arrays_say_which_element_is_wrong_and_which_shape_was_expected(capsys):
    want = np.arange(6.0).reshape(2, 3)
    got = want.copy()
    got[1, 2] = 9.0
    assert check("g", got, want).kind == "value"
    assert check("g", want.T, want).kind == "transpose"
    assert check("g", np.ones((4, 3)), np.full(3, 4.0)).kind == "accumulation"
    out = capsys.readouterr().out
    assert "the first is at index (1, 2), where you have 9" in out
    assert "expected shape (2, 3), got (3, 2)" in out and "sum it over axis 0" in out


def animator():
    return GraphAnimator(classic())


def test_reveal_moves_the_animator_only_once_a_guess_is_made(capsys):
    w = animator()
    assert not reveal(w, "x", ...) and w.step == -1
    assert reveal(w, "x", -4.0) and w.current_event["text"].startswith("∂f/∂x")
    assert reveal(w, "a", 3.0, quantity="value") and w.current_event["phase"] == "forward"
    assert "The animator now shows step 3: a = x + y = 3" in capsys.readouterr().out


@pytest.mark.parametrize("node, quantity, error, says", [
    ("q", "grad", KeyError, "no node named 'q'"),
    ("x", "size", ValueError, "quantity must be one of"),
])
def test_reveal_says_what_it_cannot_find(node, quantity, error, says):
    with pytest.raises(error, match=says):
        reveal(animator(), node, 1.0, quantity=quantity)


def test_budget_follows_the_fast_variable(monkeypatch):
    monkeypatch.setenv("TINYGRAD_EDU_FAST", "1")
    assert budget(30, 2) == 2
    monkeypatch.setenv("TINYGRAD_EDU_FAST", "0")
    assert budget(30, 2) == 30
