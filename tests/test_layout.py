"""The package's shape: imports run one way, no module-level cycles, few deferred imports, small files.

Why a test: the folder tree is meant to be the architecture diagram (ARCHITECTURE.md). A module that
imports upward (ops importing the tensor engine, the engine importing a widget) or a cycle would make
that diagram a lie, and such imports creep in one convenient line at a time.
"""
import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "tinygrad_edu"
MAX_LINES = 600
MAX_DEFERRED = 3

# Lower numbers are lower layers; a module may import its own layer or lower ones.
LAYERS = {
    "backend": 0, "graph_walk": 0, "errors": 0, "archive": 0, "legacy_checkpoint": 0,
    "ops": 1,
    "tensor": 2, "scalar": 2,
    "nn": 3, "optim": 3, "data": 3, "io": 3, "training": 3, "exercises": 3, "static": 3,
    "distributed": 3, "utils": 3, "autograd": 3, "cuda": 3, "backends": 3,
    "viz": 4,
    "widgets": 5,
}


def _modules() -> dict:
    """Dotted module name -> file path, for every module of the package."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _resolve(module: str, path: Path, node: ast.ImportFrom | ast.Import, known: dict) -> list:
    """The package modules an import statement names (submodules where `from x import sub` names one)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] == "tinygrad_edu"]
    if node.level:
        base = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        base = base[: len(base) - node.level + 1]
        target = ".".join(base + ([node.module] if node.module else []))
    elif (node.module or "").split(".")[0] == "tinygrad_edu":
        target = node.module
    else:
        return []
    subs = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in known]
    return subs if len(subs) == len(node.names) else [target] + subs


def _is_type_checking(node) -> bool:
    """`if TYPE_CHECKING:` blocks hold imports for annotations only; they never run."""
    return isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def _imports() -> tuple:
    """(module-level edges, deferred imports) of the package's own modules."""
    known = _modules()
    edges, deferred = {}, []
    for module, path in known.items():
        tree = ast.parse(path.read_text(), str(path))
        top = set(id(n) for n in tree.body)
        typing_only = {id(n) for block in tree.body if _is_type_checking(block) for n in ast.walk(block)}
        edges[module] = set()
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)) or id(node) in typing_only:
                continue
            targets = [t for t in _resolve(module, path, node, known) if t != module]
            if not targets:
                continue
            if id(node) in top:
                edges[module].update(targets)
            else:
                deferred.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} -> {', '.join(targets)}")
    return edges, deferred


def _layer(module: str):
    parts = module.split(".")
    return LAYERS.get(parts[1]) if len(parts) > 1 else None


def _cycles(edges: dict) -> list:
    """Every cycle a depth-first walk meets, as 'a -> b -> a' strings (iterative: no recursion)."""
    state, cycles = {}, []
    for start in sorted(edges):
        if start in state:
            continue
        state[start], path, stack = "open", [start], [iter(sorted(edges.get(start, ())))]
        while stack:
            child = next(stack[-1], None)
            if child is None:
                state[path.pop()] = "done"
                stack.pop()
            elif state.get(child) == "open":
                cycles.append(" -> ".join(path[path.index(child):] + [child]))
            elif child not in state:
                state[child] = "open"
                path.append(child)
                stack.append(iter(sorted(edges.get(child, ()))))
    return cycles


def _upward(edges: dict) -> list:
    return sorted(f"{a} (layer {_layer(a)}) imports {b} (layer {_layer(b)})"
                  for a, targets in edges.items() for b in targets
                  if a != "tinygrad_edu" and b != "tinygrad_edu" and _layer(b) > _layer(a))


def test_no_module_level_import_cycle():
    edges, _ = _imports()
    cycles = _cycles(edges)
    assert not cycles, "module-level import cycles:\n" + "\n".join(cycles)


def test_imports_run_one_way():
    edges, _ = _imports()
    unknown = sorted(m for m in edges if m != "tinygrad_edu" and _layer(m) is None)
    assert not unknown, f"modules with no layer in LAYERS (add them): {unknown}"
    upward = _upward(edges)
    assert not upward, "imports against the one-way direction:\n" + "\n".join(upward)
    into_root = [a for a, targets in edges.items() if a != "tinygrad_edu" and "tinygrad_edu" in targets]
    assert not into_root, f"modules importing the package root (an upward import): {into_root}"


def test_few_deferred_imports_of_own_modules():
    _, deferred = _imports()
    listing = "\n".join(deferred)
    assert len(deferred) <= MAX_DEFERRED, f"deferred imports of the package's own modules:\n{listing}"


def test_no_file_over_the_line_limit():
    long = {str(p.relative_to(PACKAGE.parent)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not long, f"files over {MAX_LINES} lines: {long}"


def test_the_checks_catch_an_upward_import_and_a_cycle():
    """The checks themselves can fail: an ops module importing the engine is both upward and a cycle."""
    edges, _ = _imports()
    node = ast.parse("from ..tensor import Tensor").body[0]
    targets = _resolve("tinygrad_edu.ops.base", PACKAGE / "ops" / "base.py", node, _modules())
    assert targets == ["tinygrad_edu.tensor"]
    edges["tinygrad_edu.ops.base"] = edges["tinygrad_edu.ops.base"] | set(targets)
    expected = "tinygrad_edu.ops.base (layer 1) imports tinygrad_edu.tensor"
    assert any(line.startswith(expected) for line in _upward(edges))
    assert any("tinygrad_edu.ops.base" in cycle for cycle in _cycles(edges))


def test_public_functions_of_ops_tensor_and_viz_are_annotated():
    """mypy (run by `make test`) checks these packages; it can only check what is annotated."""
    missing = []
    for package in ("ops", "tensor", "viz"):
        for path in (PACKAGE / package).rglob("*.py"):
            tree = ast.parse(path.read_text())
            functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
            functions += [m for c in tree.body if isinstance(c, ast.ClassDef) and c.name == "Tensor"
                          for m in c.body if isinstance(m, ast.FunctionDef)]
            missing += [f"{path.relative_to(PACKAGE.parent)}:{f.lineno} {f.name}" for f in functions
                        if not f.name.startswith("_") and f.returns is None]
    assert not missing, "public functions without a return annotation:\n" + "\n".join(missing)


def test_architecture_md_core_ranges_hold_the_named_code_in_under_700_lines():
    """ARCHITECTURE.md names the core a student reads by file and line range: keep it true."""
    text = (PACKAGE.parent / "ARCHITECTURE.md").read_text()
    section = text.split("## The core a student reads", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(tinygrad_edu/[^`]+)` \| (\d+)-(\d+) \| (.+) \|$", section, re.M)
    assert len(rows) >= 5
    total = 0
    for path, start, end, what in rows:
        start, end = int(start), int(end)
        total += end - start + 1
        source = ast.parse((PACKAGE.parent / path).read_text())
        spans: dict = {}
        for node in ast.walk(source):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                spans.setdefault(node.name, []).append((node.lineno, node.end_lineno))
        for name in re.findall(r"`(\w+)`", what):
            if name in spans:
                assert any(start <= first and last <= end or name == "Tensor" and start <= first <= end
                           for first, last in spans[name]), (
                    f"{path}: `{name}` (lines {spans[name]}) is not inside the range {start}-{end} "
                    "that ARCHITECTURE.md gives")
    assert total < 700, f"the core a student reads is {total} lines (goal: under 700)"
