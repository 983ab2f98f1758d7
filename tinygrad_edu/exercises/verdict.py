"""Verdict: what a checked exercise cell shows, a sentence (green or red in Jupyter), never a bare True/False.

Why it shows itself when made: a cell may check several answers, and Jupyter displays only the last
expression. Each verdict is displayed the moment it is given, and one that ends a cell is not shown twice.
"""
import html
import sys

KINDS = ("correct", "unanswered", "type", "error", "shape", "transpose", "accumulation", "sign", "factor",
         "zero", "nan", "value")


class Verdict:
    """The result of checking one answer: truthy when right, `str()` is the text the student reads, and
    `kind` names the mistake ("sign", "factor", "transpose", "accumulation", ... or "correct")."""

    __slots__ = ("ok", "name", "text", "kind", "_shown_at")

    def __init__(self, ok: bool, name: str, text: str, kind: str):
        self.ok, self.name, self.text, self.kind = bool(ok), name, text, kind
        self._shown_at = None

    @classmethod
    def combine(cls, name: str, parts: list) -> "Verdict":
        """One verdict for several checks: right when all are, its kind that of the first wrong one."""
        wrong = [p for p in parts if not p.ok]
        kind = wrong[0].kind if wrong else "correct"
        return cls(not wrong, name, "\n".join(p.text for p in parts), kind)

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        return self.text

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colour, border = (("#e8f5e9", "#2e7d32") if self.ok else      # right: green
                          ("#eef2f7", "#7a8699") if self.kind == "unanswered" else     # to do: grey
                          ("#fdecea", "#c62828"))                     # wrong: red
        lines = "<br>".join(html.escape(line) for line in self.text.splitlines())
        return (f'<div class="tge-verdict" style="background:{colour};border-left:4px solid {border};'
                f'padding:6px 10px;margin:2px 0;font-family:sans-serif">{lines}</div>')

    def show(self) -> "Verdict":
        """Display the verdict now (HTML in Jupyter, a printed line elsewhere) and return it."""
        shell = _shell()
        if shell is None:
            print(self.text)
            return self
        from IPython.display import display  # only inside IPython, where it is importable

        display({"text/plain": self.text, "text/html": self._repr_html_()}, raw=True)
        self._shown_at = shell.execution_count
        return self

    def _ipython_display_(self) -> None:
        """Shown again only when asked for in a later cell (the cell that made it already shows it)."""
        shell = _shell()
        if shell is None or self._shown_at != shell.execution_count:
            self.show()


def _shell():
    """The running IPython shell, or None in plain Python (tests, scripts)."""
    ipython = sys.modules.get("IPython")
    return ipython.get_ipython() if ipython is not None else None
