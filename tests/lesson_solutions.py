"""The reference solutions of lessons/solutions/, for tests: splice them into lessons, or run their code."""
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("lesson_solve", ROOT / "lessons" / "solutions" / "solve.py")
solve = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(solve)


def solution_namespace(number: str, namespace: dict) -> dict:
    """Run every section of lesson `number`'s solution file in `namespace` (the names the lesson's earlier
    cells define, given by the test) and return it."""
    lesson = solve.lesson_path(number)
    for code in solve.sections(solve.solution_for(lesson)).values():
        exec(compile(code, str(solve.solution_for(lesson)), "exec"), namespace)
    return namespace
