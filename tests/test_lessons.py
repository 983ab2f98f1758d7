"""The curriculum: every lesson has its parts, runs top to bottom as stored (every check saying "not answered
yet", none revealing an answer), and runs again with its reference solutions spliced in, where every check
says correct and the lesson's key numbers equal values written down here (worked out by hand or by NumPy,
not by asking the engine again)."""
import base64
import json
import re
import subprocess
import sys

import nbformat
import numpy as np
import pytest

from tests.lesson_solutions import solve
from tests.notebook_runner import ROOT, execute, read, texts

CURRICULUM = ["01_computational_graphs", "02_watching_backprop", "03_build_your_own_autodiff",
              "04_neurons_to_an_mlp", "05_tensors_and_broadcasting", "06_layers_and_losses", "07_optimizers",
              "08_convolutional_networks", "09_dynamic_graphs_and_rnns", "10_static_graphs",
              "11_parallelism_and_gpus", "12_debugging_gradients"]
LESSONS = sorted(ROOT.glob("lessons/*.ipynb"))
SOLVED = [p for p in LESSONS if solve.solution_for(p).exists()]
CHECKER = re.compile(r"\b(?:check|check_function|reveal|lesson\d\d\.check_\w+)\(")
VISUAL = re.compile(r"\b(?:draw|GraphAnimator|OptimizerRace|Playground)\(|\bplt\.|\.plot\(|\.imshow\(")
BARE_BOOL = {"True", "False"}

# Key numbers after the solved run: expression evaluated in the lesson's kernel -> the value it must have.
KEY_NUMBERS = {
    "01_computational_graphs": {"[x.grad, y.grad, z.grad, a.grad]": [-4.0, -4.0, 3.0, -4.0],
                                "round(numeric, 6)": -4.0, "w.grad": 14.0, "[u.grad, v.grad]": [-2.0, 4.0]},
    "02_watching_backprop": {"len(animator.events)": 10, "animator.step": 9, "reuse.step": 6,
                             "[e['grad'] for e in reuse.events[3:] if e['node'] == 'v0']": [1.0, 4.0, 7.0]},
    "03_build_your_own_autodiff": {
        "[my_nodes[k].grad for k in 'xyza']": [-4.0, -4.0, 3.0, -4.0],
        "[f.local, a.local]": [[-4.0, 3.0], [1.0, 1.0]],
        "[n.label for n in topological_order(f)]": ["x", "y", "a", "z", "f"],
        "len(topological_order(chain(5000)))": 10001,
        "[len(times['Value']), len(times['your Scalar'])]": [3, 3]},
    # the hinge loss and accuracy before and after 6 steps were reproduced with PyTorch in float64
    "04_neurons_to_an_mlp": {"o.data": 2 ** -0.5, "len(model.parameters())": 337,
                             "history[0]": [0.8712070780207647, 0.65],
                             "history[-1]": [0.23520778652150698, 0.9],
                             "animator.current_event['grad']": 1.0},
    "05_tensors_and_broadcasting": {
        "[f.item(), y.grad.item()]": [7.0, -1.0], "x.grad.numpy()": [-4.0, 1.0, 2.0],
        "z.grad.numpy()": [3.0, 5.0, 7.0], "b.grad.numpy()": [2.0, 6.0, 3.0],
        "[scalar_nodes, tensor_nodes, same]": [8 * 16 + 16 * 8 + 8 * 8 * (1 + 2 * 16) + 1 + 8 * 8, 4, True],
        "accuracy": (">=", 0.9)},
    "06_layers_and_losses": {
        "round(-probs[0, 0].log().item(), 4)": 0.417, "bool(np.isnan(naive.numpy()).all())": True,
        "sum(p.numel() for p in model.parameters())": 64 * 64 + 64 + 64 * 10 + 10,
        "scores.grad.numpy().round(4)": [[-0.1705, 0.1212, 0.0493], [0.0556, 0.4107, -0.4663]],
        "[counts.sum(), counts.trace() - (predicted == y_test).sum()]": [359, 0],
        "history['val_accuracy'][-1]": (">=", 0.9)},
    "07_optimizers": {"round(float(x[-2] - x[-1]), 4)": 0.1},
    "08_convolutional_networks": {
        "by_hand.tolist()": [[-3.0, 0.0, 3.0]] * 3, "framework.numpy()[0, 0]": [[-3.0, 0.0, 3.0]] * 3,
        "[response.item(), w.grad.numpy()[0, 0].tolist()]": [9.0, [[3.0, 0.0, 0.0]] * 3],
        "list(im2col(image, 3).shape)": [9, 9],
        "tg.max_pool2d(tg.tensor(X[None, None]), 2).numpy()[0, 0]": [[4.0, 5.0], [7.0, 6.0]],
        "sum(p.numel() for p in cnn.parameters())": (8 * 9 + 8) + (16 * 8 * 9 + 16) + (64 * 10 + 10),
        "history['val_accuracy'][-1]": (">=", 0.85)},
    "09_dynamic_graphs_and_rnns": {
        "[F(*leaves(), 1).data, F(*leaves(), 3).data]": [-12.0, -192.0],
        "[loop.current_event['grad'], loop.current_event['uses']]": [144.0, 3],
        "[bptt_grad(0.5, 1.0, [2.0, -1.0, 3.0]), w.grad]": [1.75, 1.75],
        "[e['uses'] for e in unrolled.events if e.get('use') == 1 and e['node'] == "
        "[n['id'] for n in unrolled.snapshot['nodes'] if n.get('name') == 'W_hh'][0]]": [3],
        "[len(curves['RNN']), curves['LSTM'][-1] < curves['LSTM'][0]]": [10, True]},
    "10_static_graphs": {"len(passes.fusion(tg.trace(small, tg.randn(4, 3))).nodes)": 3},
    "11_parallelism_and_gpus": {"float(np.abs(averaged - full).max()) < 1e-6": True,
                                "[r['bytes per step'] for r in results]": [(4 * 8 + 8 + 8 + 1) * 4] * 2,
                                "results[0]['weights[:3]'] == results[1]['weights[:3]']": True},
    "12_debugging_gradients": {
        "bool(result)": True, "first.weight.grad is None": True,
        "float(np.median(np.abs(normal)) / np.median(np.abs(saturated))) > 10": True,
        "lesson12.wrong_rules(RULES) + [buggy_op]": ["/", "/"],
        "engine_grads('/', 1.5, -0.8)": [-1.25, 1.875], "numeric_grad(op_as_function('/'), np.array([1.5, "
                                                         "-0.8]))": [-1.25, -2.34375]},
}


def ids(paths):
    return [p.stem for p in paths]


def markdown(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def code_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code"]


def check_cells(nb) -> list:
    return [c for c in code_cells(nb) if str(c.get("id", "")).startswith("check-")]


def test_lessons_have_the_curriculum_names():
    names = [p.stem for p in LESSONS]
    assert names and set(names) <= set(CURRICULUM), sorted(set(names) - set(CURRICULUM))


def test_the_instructors_readme_lists_every_lesson():
    readme = (ROOT / "lessons" / "README.md").read_text(encoding="utf-8")
    missing = [name for name in CURRICULUM if f"{name}.ipynb" not in readme]
    assert not missing, missing


@pytest.mark.parametrize("path", LESSONS, ids=ids(LESSONS))
def test_lesson_has_its_parts(path):
    nb = read(path)
    text = markdown(nb)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and "Learning goals" in first.source, "learning goals at the top"
    assert re.search(r"^## Summary", text, re.M), "a summary at the end"
    assert re.search(r"^## Where this lives in PyTorch", text, re.M), "'where this lives in PyTorch'"
    number = CURRICULUM.index(path.stem)
    if number + 1 < len(CURRICULUM):
        assert f"]({CURRICULUM[number + 1]}.ipynb)" in text, "a link to the next lesson"
    sources = [c.source for c in code_cells(nb)]
    assert any(VISUAL.search(s) for s in sources), "at least one visualization"
    checks = [c for c in code_cells(nb) if CHECKER.search(c.source)]
    assert checks, "at least one checked exercise"
    unnamed = [c.source.splitlines()[0] for c in checks if not str(c.get("id", "")).startswith("check-")]
    assert not unnamed, f"checked cells need the id check-<name> (their exercise: exercise-<name>): {unnamed}"


@pytest.mark.parametrize("path", LESSONS, ids=ids(LESSONS))
def test_every_exercise_has_a_solution(path):
    solution = solve.solution_for(path)
    assert solution.exists(), f"{solution.relative_to(ROOT)} is missing"
    cell_ids = {c.get("id") for c in read(path).cells}
    exercises = {cid[len("check-"):] for cid in cell_ids if str(cid).startswith("check-")}
    covered = {cid[len("exercise-"):] for cid in solve.sections(solution) if cid.startswith("exercise-")}
    assert exercises <= covered, f"no solution for {sorted(exercises - covered)}"
    assert {f"exercise-{name}" for name in exercises} <= cell_ids, "each check-<name> has its exercise-<name>"


def verdict_lines(cell) -> list:
    return [line for text in texts(cell) for line in text.splitlines() if line[:1] in ("✓", "✗", "…")]


def assert_no_bare_booleans(nb):
    for cell in check_cells(nb):
        shown = [t.strip() for t in texts(cell)]
        assert not BARE_BOOL & set(shown), f"cell {cell.id} shows a bare True/False"


@pytest.mark.xdist_group("notebooks")
@pytest.mark.parametrize("path", LESSONS, ids=ids(LESSONS))
def test_runs_as_stored_without_giving_answers_away(path):
    nb = read(path)
    execute(nb, path.parent)
    assert_no_bare_booleans(nb)
    for cell in check_cells(nb):
        lines = verdict_lines(cell)
        assert lines, f"cell {cell.id} shows no verdict"
        assert all(line.startswith("…") for line in lines), f"cell {cell.id} unanswered: {lines}"
        assert len(lines) == len(set(lines)), f"cell {cell.id} shows a verdict twice: {lines}"


@pytest.mark.xdist_group("lessons-solved")
@pytest.mark.parametrize("path", SOLVED, ids=ids(SOLVED))
def test_solutions_pass_and_key_numbers_hold(path, tmp_path):
    nb = solve.solved(path)
    expected = KEY_NUMBERS.get(path.stem, {})
    nb.cells.append(nbformat.v4.new_code_cell(PROBE.replace("KEYS", repr(list(expected))), id="key-numbers"))
    execute(nb, path.parent)
    assert_no_bare_booleans(nb)
    for cell in check_cells(nb):
        lines = verdict_lines(cell)
        assert lines and all(line.startswith("✓") for line in lines), f"cell {cell.id}: {lines}"
    (key_line,) = [t for t in texts(nb.cells[-1]) if t.startswith("KEY ")]
    got = json.loads(key_line[4:])
    for expression, value in expected.items():
        assert same(got[expression], value), f"{path.stem}: {expression} is {got[expression]}, not {value}"
    if path.stem == "03_build_your_own_autodiff":
        export_shows_graphs(nb, tmp_path)


PROBE = """import json as _json


def _plain(v):
    if hasattr(v, "tolist"):
        return v.tolist()
    if isinstance(v, (list, tuple)):
        return [_plain(u) for u in v]
    return v


print("KEY " + _json.dumps({k: _plain(eval(k)) for k in KEYS}))
"""


def same(got, want) -> bool:
    if isinstance(want, tuple) and want[0] == ">=":
        return got >= want[1]
    if isinstance(want, str) or (isinstance(want, list) and want and isinstance(want[0], str)):
        return got == want
    try:
        return np.allclose(np.asarray(got, dtype=float), np.asarray(want, dtype=float), rtol=1e-4, atol=1e-6)
    except (TypeError, ValueError):
        return got == want


def export_shows_graphs(nb, folder):
    """The executed lesson exported with nbconvert's HTML exporter (the README's command without --execute,
    which the test just did) carries its graph drawing as an SVG picture outside any script, so it shows
    offline: lesson 03 draws f = (x + y)·z with ∂f/∂x = -4."""
    source = folder / "lesson.ipynb"
    nbformat.write(nb, source)
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", str(source)], check=True,
                   capture_output=True, timeout=120)
    page = (folder / "lesson.html").read_text(encoding="utf-8")
    page = re.sub(r"<script\b.*?</script>", "", page, flags=re.S)
    pictures = [base64.b64decode(data).decode("utf-8")
                for data in re.findall(r'<img [^>]*src="data:image/svg\+xml;base64,([^"]+)"', page)]
    pictures += re.findall(r"<svg\b.*?</svg>", page, flags=re.S)
    graphs = [svg for svg in pictures if 'class="graph"' in svg]
    assert graphs, "no Graphviz drawing in the exported page"
    texts_drawn = re.findall(r"<text[^>]*>([^<]*)</text>", graphs[0])
    assert {"x", "grad &#45;4", "f", "data &#45;12"} <= set(texts_drawn), texts_drawn
