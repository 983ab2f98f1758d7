"""Fuzzing saved files: checkpoints (new and old format) and graph-like archives corrupted one byte at a
time, at positions drawn afresh each run, and cut at random lengths. A corrupted file either loads (a
changed data byte is still a valid file) into something the model and optimizer accept or refuse with
their own error, keeping every value they had; or it is refused with the one FileFormatError naming the
file. Nothing may take more memory than the file could justify."""
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from corruption import single_byte_corruptions
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from own_errors import assert_own_error

import tinygrad_edu as tg
from tinygrad_edu import archive, nn, optim
from tinygrad_edu.archive import FileFormatError

LEGACY = Path(__file__).parent / "data" / "checkpoint_v1.tge"
POSITIONS = 120  # per file and run: a fresh sample each time, weighted towards the header
TRACE_EVERY = 4  # tracing allocations slows a load 5x: every 4th corrupted file is measured


def _trained():
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))
    opt = optim.Adam(model.parameters(), lr=0.01)
    model(tg.randn(5, 3)).sum().backward()
    opt.step()
    return model, opt


def _snapshot(model, opt):
    return ({k: v.array.copy() for k, v in model.state_dict().items()},
            {k: {n: np.copy(v) for n, v in s.items()} for k, s in opt.state_dict()["state"].items()})


def _restore_into(ckpt, model, opt):
    """Hand a loaded checkpoint to the model and optimizer: each accepts it or refuses it with its own
    error and without changing anything."""
    before = _snapshot(model, opt)
    for target, key in ((model, "model"), (opt, "optimizer")):
        if not isinstance(ckpt, dict) or key not in ckpt:  # a changed key: valid data, not ours to judge
            continue
        try:
            target.load_state_dict(ckpt[key])
        except Exception as err:  # noqa: BLE001 - any refusal must be the library's own
            assert_own_error(err)
            now = _snapshot(model, opt)
            assert all(np.array_equal(now[0][k], v) for k, v in before[0].items())
        before = _snapshot(model, opt)


def _positions(size: int, header_end: int, seed: int, count: int = POSITIONS) -> list:
    rng = np.random.default_rng(seed)
    in_header, anywhere = rng.integers(0, header_end, count // 2), rng.integers(0, size, count // 2)
    return sorted(set(in_header.tolist()) | set(anywhere.tolist()))


def _values(byte: int) -> set:
    return {byte ^ 0xFF, byte ^ 0x01, ord("0"), ord('"')}


def _outcomes(path, positions, load, on_success=None) -> list:
    """Corrupt `path` at each position in turn; True where it loaded (and `on_success` accepted it)."""
    outcomes = []
    for i, _ in enumerate(single_byte_corruptions(path, positions, _values)):
        traced = i % TRACE_EVERY == 0
        if traced:
            tracemalloc.start()
        try:
            result = load(path)
        except FileFormatError as err:
            assert str(path) in str(err)
            outcomes.append(False)
            continue
        finally:
            if traced:
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
                assert peak < 2**20 + 20 * path.stat().st_size, f"{peak} bytes to read {path.stat().st_size}"
        if on_success is not None:
            on_success(result)
        outcomes.append(True)
    return outcomes


@settings(max_examples=1, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1))
def test_corrupted_checkpoints_load_correctly_or_are_refused(tmp_path, seed):
    model, opt = _trained()
    path = tmp_path / "run.safetensors"
    tg.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 3}, path)
    header_end = 8 + int.from_bytes(path.read_bytes()[:8], "little")
    positions = _positions(path.stat().st_size, header_end, seed)
    outcomes = _outcomes(path, positions, tg.load, lambda ckpt: _restore_into(ckpt, model, opt))
    assert any(outcomes) and not all(outcomes)


@settings(max_examples=1, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1))
def test_corrupted_old_format_checkpoints_load_or_are_refused(tmp_path, seed):
    path = tmp_path / "old.tge"
    path.write_bytes(LEGACY.read_bytes())
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    opt = optim.Adam(model.parameters(), lr=0.01)
    size = path.stat().st_size
    restore = lambda ckpt: _restore_into(ckpt, model, opt)
    outcomes = _outcomes(path, _positions(size, size, seed, POSITIONS // 3), tg.load, restore)  # zip: slower
    assert any(outcomes) and not all(outcomes)


def _graph_file(path):
    """A file shaped like a saved static graph: constants as arrays, nodes as JSON structure."""
    nodes = [{"op": "input", "shape": [2, 3], "dtype": "float32"},
             {"op": "const", "array": "w", "shape": [3, 4]},
             {"op": "matmul", "inputs": [0, 1], "attrs": {}},
             {"op": "add", "inputs": [2, 3], "attrs": {"alpha": 1.0}},
             {"op": "sum", "inputs": [3], "attrs": {"axis": [0, 1], "keepdims": False}}]
    arrays = {"w": np.arange(12.0, dtype=np.float32).reshape(3, 4), "b": np.ones(4, dtype=np.float32)}
    archive.write(path, arrays, {"nodes": nodes, "outputs": [4], "name": "mlp"}, "tinygrad_edu.graph", 1)


@settings(max_examples=1, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1))
def test_corrupted_graph_files_are_read_whole_or_refused(tmp_path, seed):
    path = tmp_path / "graph.safetensors"
    _graph_file(path)
    header_end = 8 + int.from_bytes(path.read_bytes()[:8], "little")

    def read(p):
        arrays, structure = archive.read(p, "tinygrad_edu.graph", (1,))
        assert set(arrays) == {"w", "b"} and all(a.dtype.kind in "biuf" for a in arrays.values())
        return structure

    outcomes = _outcomes(path, _positions(path.stat().st_size, header_end, seed), read)
    assert any(outcomes) and not all(outcomes)


@pytest.mark.parametrize("make", ["checkpoint", "old checkpoint", "graph"])
def test_files_cut_at_any_length_are_refused(tmp_path, make):
    path = tmp_path / "whole"
    if make == "checkpoint":
        tg.save(_trained()[0].state_dict(), path)
    elif make == "graph":
        _graph_file(path)
    else:
        path.write_bytes(LEGACY.read_bytes())
    raw = path.read_bytes()
    cut = tmp_path / "cut"
    lengths = set(np.random.default_rng().integers(0, len(raw), 40).tolist()) | {0, 1, 7, 8, len(raw) - 1}
    for n in lengths:
        cut.write_bytes(raw[:n])
        if make == "graph":
            with pytest.raises(FileFormatError, match="cut"):
                archive.read(cut, "tinygrad_edu.graph", (1,))
        else:
            with pytest.raises(FileFormatError, match="cut"):
                tg.load(cut)
