"""What counts as the library's own clear error: raised by a line of tinygrad_edu (not deep inside NumPy
or Python), of a standard class, with a message that starts by naming the function, layer or method."""
import re
from pathlib import Path

import tinygrad_edu

PACKAGE = str(Path(tinygrad_edu.__file__).parent)
CLASSES = (ValueError, TypeError, IndexError, KeyError, RuntimeError)
_NAMED = re.compile(r"[A-Za-z_][\w.]*(\(\))?: \S")


def raised_at(err: BaseException) -> str:
    tb = err.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    return f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}"


def is_own_error(err: BaseException) -> bool:
    message = str(err.args[0]) if isinstance(err, KeyError) and err.args else str(err)  # KeyError quotes
    return isinstance(err, CLASSES) and raised_at(err).startswith(PACKAGE) and bool(_NAMED.match(message))


def assert_own_error(err: BaseException) -> None:
    assert is_own_error(err), f"{type(err).__name__} at {raised_at(err)}: {err}"
