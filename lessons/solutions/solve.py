"""Splice the reference solutions into a lesson: `python lessons/solutions/solve.py 03 [out.ipynb]`.

A solution file `NN_name.py` next to this one holds sections headed `# %% <cell id>`; each replaces the
code of the lesson's cell with that id (the exercise cells are `exercise-<name>`, their checks
`check-<name>`). Instructors get a solved notebook to read or run; the tests use the same function.
"""
import re
import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
LESSONS = HERE.parent
SECTION = re.compile(r"^# %% ([\w-]+)[ \t]*\n", re.M)


def sections(solution: Path) -> dict:
    """{cell id: code} from a solution file."""
    parts = SECTION.split(solution.read_text(encoding="utf-8"))
    found = {cid: code.strip("\n") for cid, code in zip(parts[1::2], parts[2::2])}
    if not found:
        raise ValueError(f"{solution}: no '# %% <cell id>' sections")
    return found


def solution_for(lesson: Path) -> Path:
    return HERE / f"{lesson.stem}.py"


def solved(lesson: Path) -> nbformat.NotebookNode:
    """The lesson with every exercise cell replaced by its reference solution."""
    nb = nbformat.read(lesson, as_version=4)
    code = sections(solution_for(lesson))
    cells = {cell.get("id"): cell for cell in nb.cells}
    unknown = sorted(set(code) - set(cells))
    if unknown:
        raise KeyError(f"{solution_for(lesson).name}: no cell with id {unknown} in {lesson.name}")
    for cid, source in code.items():
        cells[cid].source = source
    return nb


def lesson_path(number: str) -> Path:
    matches = sorted(LESSONS.glob(f"{int(number):02d}_*.ipynb"))
    if not matches:
        raise SystemExit(f"no lesson numbered {number} in {LESSONS}")
    return matches[0]


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        raise SystemExit(__doc__.splitlines()[0])
    lesson = lesson_path(sys.argv[1])
    out = Path(sys.argv[2]) if len(sys.argv) == 3 else Path(f"{lesson.stem}_solved.ipynb")
    nbformat.write(solved(lesson), out)
    print(f"wrote {out}")
