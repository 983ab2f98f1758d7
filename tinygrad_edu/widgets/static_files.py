"""Where the browser halves of the widgets live: `<repo>/widgets` in a source checkout, and
`tinygrad_edu/_static` in an installed wheel (pyproject force-includes the folder there)."""
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def static_file(name: str) -> Path:
    """The path of a widget asset (ES module or CSS) by file name."""
    for folder in (_PACKAGE / "_static", _PACKAGE.parent / "widgets"):
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(f"widget asset {name!r} not found in {_PACKAGE / '_static'} (installed) "
                            f"or {_PACKAGE.parent / 'widgets'} (source checkout); reinstall tinygrad_edu")


# The animator's ES module, in order: helpers first, then the view (anywidget takes one module).
ANIMATOR_MODULE = ("array_view.js", "graph_animator.js")


def module_source(*names: str) -> str:
    """Widget assets (ES modules or CSS) joined into one text, in order: anywidget loads one module and
    one stylesheet per widget, so shared helpers come first in the same text instead of an import."""
    return "\n".join(static_file(name).read_text(encoding="utf-8") for name in names)
