"""Every lesson and notebook runs top to bottom, is stored without outputs, and uses only the public API."""
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted([*ROOT.glob("lessons/*.ipynb"), *ROOT.glob("notebooks/*.ipynb")])
PUBLIC_MODULES = {"tinygrad_edu", "tinygrad_edu.nn", "tinygrad_edu.nn.functional", "tinygrad_edu.nn.init",
                  "tinygrad_edu.optim", "tinygrad_edu.data", "tinygrad_edu.widgets", "tinygrad_edu.static",
                  "tinygrad_edu.exercises"}
IMPORT = re.compile(r"^\s*(?:from\s+(tinygrad_edu[\w.]*)\s+import|import\s+(tinygrad_edu[\w.]*))", re.M)


def ids(paths):
    return [str(p.relative_to(ROOT)) for p in paths]


def test_there_are_lessons():
    assert any(p.parent.name == "lessons" for p in NOTEBOOKS)


def test_lessons_are_numbered_in_order():
    """Lessons carry the curriculum's fixed numbers 01-12 (DESIGN.md); issues add them in any order, so a
    number may be missing for a while, but none is repeated, unpadded or out of range."""
    names = [p.name for p in sorted(ROOT.glob("lessons/*.ipynb"))]
    numbers = [int(n.split("_", 1)[0]) for n in names]
    assert len(set(numbers)) == len(numbers) and all(1 <= k <= 12 for k in numbers), names
    assert all(n.startswith(f"{k:02d}_") for n, k in zip(names, numbers)), names


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
@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_runs_top_to_bottom(path):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()          # raises CellExecutionError naming the cell on any error
