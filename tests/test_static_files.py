"""Graph files: save -> load (also in a fresh process that never sees the code that built the graph)
gives the same outputs; corrupt, truncated and hand-edited files are refused before anything runs,
each with a FileFormatError naming the file and the problem."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from static_models import MODELS, batch, classify_step, mlp

import tinygrad_edu as tg
from tinygrad_edu import archive
from tinygrad_edu.archive import FileFormatError
from tinygrad_edu.static import serialize

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", sorted(MODELS))
def test_save_load_roundtrip(name, tmp_path):
    model, x = MODELS[name]()
    for g in (tg.trace(model, x), tg.trace(model, x).optimize()[0]):
        g.save(tmp_path / "g.tgraph")
        loaded = tg.load_graph(tmp_path / "g.tgraph")
        assert str(loaded) == str(g)
        np.testing.assert_array_equal(loaded(x).numpy(), g(x).numpy())


def test_a_fresh_process_runs_the_graph_without_the_model_code(tmp_path):
    model, x = MODELS["rnn"]()          # LastHidden is defined in the tests, never imported below
    tg.trace(model, x).optimize()[0].save(tmp_path / "rnn.tgraph")
    np.save(tmp_path / "x.npy", x.numpy())
    script = f"""
import sys, numpy as np, tinygrad_edu
g = tinygrad_edu.load_graph({str(tmp_path / 'rnn.tgraph')!r})
np.save({str(tmp_path / 'y.npy')!r}, g(np.load({str(tmp_path / 'x.npy')!r})).numpy())
assert not [m for m in sys.modules if m.startswith(("static_models", "tests"))]
"""
    subprocess.run([sys.executable, "-c", script], check=True, cwd=tmp_path,
                   env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    np.testing.assert_allclose(np.load(tmp_path / "y.npy"), model(x).numpy(), rtol=1e-6, atol=1e-7)


def test_a_loaded_training_step_keeps_training(tmp_path):
    model, _ = mlp()
    opt = tg.optim.Adam(model.parameters(), lr=0.05)
    x, y, rows = batch()
    g, _ = tg.trace(classify_step(model, opt), x, y, rows).optimize()
    first = [g(x, y, rows).item() for _ in range(3)]
    g.save(tmp_path / "step.tgraph")
    loaded = tg.load_graph(tmp_path / "step.tgraph")
    assert loaded(x, y, rows).item() == g(x, y, rows).item()     # same state, same step
    assert loaded(x, y, rows).item() < first[0]


def good_file(tmp_path) -> tuple:
    model, x = mlp()
    path = tmp_path / "good.tgraph"
    tg.trace(model, x).optimize()[0].save(path)
    arrays, structure = archive.read(path, serialize.KIND, (serialize.VERSION,))
    return arrays, structure


def edited(tmp_path, change) -> Path:
    arrays, structure = good_file(tmp_path)
    arrays = change(arrays, structure) or arrays
    path = tmp_path / "edited.tgraph"
    archive.write(path, arrays, structure, serialize.KIND, serialize.VERSION)
    return path


def _node(structure, op):
    return next(n for n in structure["nodes"] if n[1] == op)


EDITS = {
    "unknown op": (lambda a, s: _node(s, "MatMul").__setitem__(1, "SecretOp"), "unknown op 'SecretOp'"),
    "wrong node shape": (lambda a, s: _node(s, "MatMul").__setitem__(3, [5, 9]),
                         r"declares \(5, 9\) float32, but MatMul of its inputs gives \(5, 8\) float32"),
    "wrong node dtype": (lambda a, s: _node(s, "MatMul").__setitem__(4, "float64"), "declares .* float64"),
    "cycle": (lambda a, s: s["nodes"].reverse(), r"before it is defined \(a cycle, or nodes out of order\)"),
    "undefined input": (lambda a, s: _node(s, "MatMul")[2].__setitem__(0, "ghost"), "%ghost which nothing"),
    "huge declared size": (lambda a, s: _node(s, "MatMul").__setitem__(3, [10**9, 10**9]),
                           "more than this version accepts"),
    "array against its spec": (lambda a, s: s["specs"]["0.bias"].__setitem__(0, [9]),
                               r"array 'state/0.bias' is \(8,\) float32, declared \(9,\) float32"),
    "missing array": (lambda a, s: {k: v for k, v in a.items() if k != "state/0.bias"},
                      "'state/0.bias' is missing"),
    "extra array": (lambda a, s: {**a, "evil": np.zeros(3)}, "arrays that no value declares"),
    "bad attrs": (lambda a, s: _node(s, "Permute")[5].__setitem__("dims", "x"),
                  "Permute cannot run on inputs"),
    "huge attr": (lambda a, s: _node(s, "Permute")[5].__setitem__("dims", [0, 2**40]), "larger than"),
    "bad output": (lambda a, s: s["outputs"].__setitem__(0, "nowhere"), "an output refers to 'nowhere'"),
    "bad name": (lambda a, s: s["inputs"].__setitem__(0, "x; import os"), "list of value names"),
    "missing key": (lambda a, s: s.pop("updates"), "graph structure should have the keys"),
    "dtype": (lambda a, s: s["specs"]["x"].__setitem__(1, "object"), "invalid spec"),
    "bad update": (lambda a, s: s["updates"].__setitem__("x", "h2"), "update of 'x', which is not a state"),
    "bad buffers": (lambda a, s: s.__setitem__("buffers", {"h2": "nowhere"}), "buffers: entry 'h2'"),
    "piecewise function": (lambda a, s: s["nodes"].append(["hx", "Piecewise", ["x"], [5, 4], "float32",
                                                           {"function": "save", "kwargs": {}}]),
                           "unknown function 'save'"),
}


@pytest.mark.parametrize("case", sorted(EDITS))
def test_hand_edited_files_are_refused(case, tmp_path):
    change, message = EDITS[case]
    path = edited(tmp_path, change)
    with pytest.raises(FileFormatError, match=message) as err:
        tg.load_graph(path)
    assert str(path) in str(err.value)


def test_truncated_and_corrupted_files_are_refused(tmp_path):
    model, x = mlp()
    path = tmp_path / "g.tgraph"
    tg.trace(model, x).save(path)
    raw = path.read_bytes()
    for k, broken in enumerate([raw[:5], raw[: len(raw) // 2], raw[:-1], b"\xff" * 16 + raw[16:]]):
        bad = tmp_path / f"bad{k}.tgraph"
        bad.write_bytes(broken)
        with pytest.raises(FileFormatError, match=str(bad)):
            tg.load_graph(bad)


def test_a_checkpoint_is_not_a_graph(tmp_path):
    path = tmp_path / "other.tgraph"
    archive.write(path, {}, {"anything": 1}, "tinygrad_edu.checkpoint", 1)
    with pytest.raises(FileFormatError, match="not a tinygrad_edu.graph file"):
        tg.load_graph(path)


def test_files_hold_no_pickle(tmp_path):
    model, x = mlp()
    tg.trace(model, x).save(tmp_path / "g.tgraph")
    header = (tmp_path / "g.tgraph").read_bytes()[:4000]
    assert b"pickle" not in header and b"\x80\x04" not in header
    json.loads(header[8: 8 + int.from_bytes(header[:8], "little")])
