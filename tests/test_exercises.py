"""The lessons' exercise checker gives a verdict, never a traceback."""
import pytest

from tinygrad_edu.exercises import check


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
