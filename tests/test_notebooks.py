"""Every lesson and notebook is stored without outputs and uses only the public API; the notebooks run top to
bottom here (the lessons run in test_lessons.py, as stored and with their solutions)."""
import re

import nbformat
import pytest

from tests.notebook_runner import ROOT, execute

NOTEBOOKS = sorted([*ROOT.glob("lessons/*.ipynb"), *ROOT.glob("notebooks/*.ipynb")])
DEMOS = sorted(ROOT.glob("notebooks/*.ipynb"))
PUBLIC_MODULES = {"tinygrad_edu", "tinygrad_edu.nn", "tinygrad_edu.nn.functional", "tinygrad_edu.nn.init",
                  "tinygrad_edu.optim", "tinygrad_edu.data", "tinygrad_edu.widgets", "tinygrad_edu.static",
                  "tinygrad_edu.exercises", "tinygrad_edu.distributed", "tinygrad_edu.nn.parallel"}
IMPORT = re.compile(r"^\s*(?:from\s+(tinygrad_edu[\w.]*)\s+import|import\s+(tinygrad_edu[\w.]*))", re.M)


def ids(paths):
    return [str(p.relative_to(ROOT)) for p in paths]


def test_there_are_lessons():
    assert any(p.parent.name == "lessons" for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: cell {i} has outputs"
    assert "widgets" not in nb.metadata, f"{path.name}: saved widget state in metadata"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_imports_only_the_public_api(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            for match in IMPORT.finditer(cell.source):
                module = match.group(1) or match.group(2)
                assert module in PUBLIC_MODULES, f"{path.name} imports private module {module}"


@pytest.mark.xdist_group("notebooks")
@pytest.mark.parametrize("path", DEMOS, ids=ids(DEMOS))
def test_runs_top_to_bottom(path):
    execute(nbformat.read(path, as_version=4), path.parent)   # raises CellExecutionError naming the cell
