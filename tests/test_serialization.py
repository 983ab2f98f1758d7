"""`save`/`load`: plain-data round trips, atomic writes, and refusal of damaged or hostile files."""
import json
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tinygrad_edu import load, save
from tinygrad_edu.tensor import Tensor


def test_round_trip_keeps_structure_types_and_bits(tmp_path):
    obj = {
        "weights": np.random.default_rng(0).normal(size=(3, 4)),
        "ints": np.arange(5, dtype=np.int32),
        "tensor": Tensor(np.array([1.5, -2.0]), requires_grad=True),
        7: {"step": 3, "lr": 0.1 + 0.2, "betas": (0.9, 0.999), "flag": True, "none": None},
        "list": [1, "two", 3.0],
        "scalar": np.float32(2.5),
        "zero_d": np.array(7, dtype=np.int64),
        "fortran": np.asfortranarray(np.arange(6.0).reshape(2, 3)),
    }
    path = tmp_path / "ckpt.tge"
    save(obj, path)
    out = load(path)
    assert list(out) == list(obj)
    np.testing.assert_array_equal(out["weights"], obj["weights"])
    assert out["ints"].dtype == np.int32
    assert isinstance(out["tensor"], Tensor) and out["tensor"].requires_grad
    np.testing.assert_array_equal(out["tensor"].array, [1.5, -2.0])
    assert out[7] == {"step": 3, "lr": 0.1 + 0.2, "betas": (0.9, 0.999), "flag": True, "none": None}
    assert out["list"] == [1, "two", 3.0] and out["scalar"] == 2.5
    assert out["zero_d"].shape == () and out["zero_d"] == 7
    np.testing.assert_array_equal(out["fortran"], obj["fortran"])


def test_save_is_atomic_and_leaves_no_temp_files(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.tge"
    save({"a": np.ones(3)}, path)

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np.lib.format, "write_array", crash)
    with pytest.raises(OSError, match="disk full"):
        save({"a": np.zeros(3)}, path)
    np.testing.assert_array_equal(load(path)["a"], np.ones(3))  # the old checkpoint survived
    assert [p.name for p in tmp_path.iterdir()] == ["ckpt.tge"]


def test_save_rejects_what_it_cannot_store(tmp_path):
    with pytest.raises(TypeError, match=r"save: cannot store function at obj\['f'\]"):
        save({"f": lambda: 0}, tmp_path / "x")
    with pytest.raises(TypeError, match="save: cannot store an object array"):
        save({"o": np.array([{}], dtype=object)}, tmp_path / "x")
    with pytest.raises(TypeError, match="dict keys must be str or int"):
        save({(1, 2): 0}, tmp_path / "x")


def test_truncated_and_corrupt_files_are_rejected_with_the_path(tmp_path):
    path = tmp_path / "good.tge"
    save({"w": np.arange(1000.0)}, path)
    raw = path.read_bytes()
    truncated = tmp_path / "truncated.tge"
    truncated.write_bytes(raw[: len(raw) // 2])
    flipped = tmp_path / "flipped.tge"
    i = raw.index(np.arange(1000.0)[500:501].tobytes())
    flipped.write_bytes(raw[:i] + bytes([raw[i] ^ 0xFF]) + raw[i + 1:])
    for bad, message in [(truncated, "truncated or not a checkpoint"), (flipped, "fails its checksum")]:
        with pytest.raises(ValueError, match=message) as info:
            load(bad)
        assert str(bad) in str(info.value)
    with pytest.raises(FileNotFoundError, match="load: no such file"):
        load(tmp_path / "absent.tge")


def _write_zip(path, members):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def test_foreign_and_malformed_headers_are_rejected(tmp_path):
    npz = tmp_path / "plain.npz"
    np.savez(npz, a=np.ones(2))
    with pytest.raises(ValueError, match="not a tinygrad_edu checkpoint"):
        load(npz)
    cases = {
        "nojson": ({"header.json": b"{not json"}, "unreadable header.json"),
        "format": ({"header.json": json.dumps({"format": "x"})}, "format field missing"),
        "version": ({"header.json": json.dumps({"format": "tinygrad_edu.checkpoint", "version": 99})},
                    "format version 99"),
        "missing": ({"header.json": json.dumps({"format": "tinygrad_edu.checkpoint", "version": 1,
                                                "tree": {"dict": [["w", {"array": "a0"}]]}})},
                    r"corrupt at obj\['w'\]: refers to array 'a0'"),
        "kind": ({"header.json": json.dumps({"format": "tinygrad_edu.checkpoint", "version": 1,
                                             "tree": {"exec": "import os"}})}, "unknown entry kind 'exec'"),
    }
    for name, (members, message) in cases.items():
        _write_zip(tmp_path / name, members)
        with pytest.raises(ValueError, match=message):
            load(tmp_path / name)


def test_pickled_arrays_are_refused_and_never_run(tmp_path):
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    path = tmp_path / "evil.tge"
    save({"w": np.zeros(2)}, path)
    with zipfile.ZipFile(path) as zf:
        header = zf.read("header.json")
    evil_npy = tmp_path / "a0.npy"
    np.save(evil_npy, np.array([Evil()], dtype=object), allow_pickle=True)
    _write_zip(path, {"header.json": header, "a0.npy": evil_npy.read_bytes()})
    with pytest.raises(ValueError, match="cannot be read without running code") as info:
        load(path)
    assert str(path) in str(info.value) and not marker.exists()


_leaves = st.one_of(st.none(), st.booleans(), st.integers(-2**62, 2**62), st.text(max_size=5),
                    st.floats(allow_nan=False), st.builds(lambda s: np.arange(float(s)).reshape(-1, 1),
                                                          st.integers(0, 6)))
_trees = st.recursive(_leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.tuples(inner, inner),
    st.dictionaries(st.one_of(st.text(max_size=4), st.integers(-5, 5)), inner, max_size=3)), max_leaves=8)


def _same(a, b):
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tree=_trees)
def test_any_plain_tree_round_trips_exactly(tmp_path, tree):
    save(tree, tmp_path / "tree.ckpt")
    assert _same(tree, load(tmp_path / "tree.ckpt"))
