"""`save`/`load`: safetensors checkpoints PyTorch can read, exact round trips, atomic writes, refusal of
damaged or hostile files, and the old zip format still read as strictly."""
import io
import json
import tempfile
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from safetensors.torch import load_file as torch_load_file

import tinygrad_edu as tg
from tinygrad_edu import archive, load, nn, optim, save
from tinygrad_edu.archive import FileFormatError
from tinygrad_edu.io import FORMAT, VERSION
from tinygrad_edu.tensor import Tensor

LEGACY = Path(__file__).parent / "data" / "checkpoint_v1.tge"  # written by tinygrad_edu's old zip writer


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
    path = tmp_path / "ckpt.safetensors"
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


class TorchNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 2, 3)
        self.norm = torch.nn.BatchNorm2d(2)
        self.head = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(2 * 4 * 4, 3))

    def forward(self, x):
        return self.head(self.norm(self.conv(x)).relu())


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3)
        self.norm = nn.BatchNorm2d(2)
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(2 * 4 * 4, 3))

    def forward(self, x):
        return self.head(self.norm(self.conv(x)).relu())


def test_a_checkpoint_loads_into_the_same_pytorch_model_and_gives_the_same_outputs(tmp_path):
    tg.manual_seed(0)
    model, x = Net(), tg.randn(4, 1, 6, 6)
    opt = optim.SGD(model.parameters(), lr=0.1)
    for _ in range(3):  # train a little, so the weights and running statistics are not the initial ones
        opt.zero_grad()
        (model(x) ** 2).mean().backward()
        opt.step()
    model.eval()
    path = tmp_path / "net.safetensors"
    save(model.state_dict(), path)
    theirs = TorchNet().eval()
    result = theirs.load_state_dict(torch_load_file(path))
    assert (result.missing_keys, result.unexpected_keys) == ([], [])
    with torch.no_grad():
        expected = theirs(torch.tensor(x.numpy())).numpy()
    np.testing.assert_allclose(model(x).numpy(), expected, rtol=1e-5, atol=1e-6)
    nested = tmp_path / "run.safetensors"  # in a nested checkpoint the names carry the path
    save({"model": model.state_dict(), "optimizer": opt.state_dict()}, nested)
    assert "model.conv.weight" in torch_load_file(nested)


def test_save_is_atomic_and_leaves_no_temp_files(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.safetensors"
    save({"a": np.ones(3)}, path)

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(archive, "save_file", crash)
    with pytest.raises(OSError, match="disk full"):
        save({"a": np.zeros(3)}, path)
    np.testing.assert_array_equal(load(path)["a"], np.ones(3))  # the old checkpoint survived
    assert [p.name for p in tmp_path.iterdir()] == ["ckpt.safetensors"]


def test_save_rejects_what_it_cannot_store(tmp_path):
    with pytest.raises(TypeError, match=r"save: cannot store function at obj\['f'\]"):
        save({"f": lambda: 0}, tmp_path / "x")
    with pytest.raises(TypeError, match=r"save: cannot store an array of dtype object at obj\['o'\]"):
        save({"o": np.array([{}], dtype=object)}, tmp_path / "x")
    with pytest.raises(TypeError, match="dict keys must be str or int"):
        save({(1, 2): 0}, tmp_path / "x")
    assert not (tmp_path / "x").exists()


def test_array_names_stay_unique_and_storable(tmp_path):
    obj = {"a.b": np.ones(1), "a": {"b": np.zeros(1)}, "\ud800": np.full(1, 2.0), "__metadata__": np.ones(2)}
    save(obj, tmp_path / "x")
    out = load(tmp_path / "x")
    got = [out["a.b"], out["a"]["b"], out["\ud800"], out["__metadata__"]]
    assert [a.tolist() for a in got] == [[1.0], [0.0], [2.0], [1.0, 1.0]]


def test_truncated_and_corrupt_files_are_rejected_with_the_path(tmp_path):
    path = tmp_path / "good.safetensors"
    save({"w": np.arange(1000.0)}, path)
    raw = path.read_bytes()
    (tmp_path / "truncated").write_bytes(raw[: len(raw) // 2])
    (tmp_path / "not_a_checkpoint").write_bytes(b"hello world, this is text")
    for bad in ("truncated", "not_a_checkpoint"):
        with pytest.raises(FileFormatError) as info:
            load(tmp_path / bad)
        assert str(tmp_path / bad) in str(info.value)
    with pytest.raises(FileNotFoundError, match="load: no such file"):
        load(tmp_path / "absent")
    archive.write(tmp_path / "graph", {}, {}, "tinygrad_edu.graph", 1)
    with pytest.raises(FileFormatError, match="not a tinygrad_edu.checkpoint file"):
        load(tmp_path / "graph")


@pytest.mark.parametrize("tree, arrays, message", [
    ({"dict": [["w", {"array": "a0"}]]}, {}, r"obj\['w'\]: refers to array 'a0'"),
    ({"exec": "import os"}, {}, "unknown entry"),
    ({"list": [1], "tuple": [2]}, {}, "expected one"),
    ({"dict": [[True, 1]]}, {}, "bad dict entry"),
    ({"dict": [["k", 1], ["k", 2]]}, {}, "key 'k' appears twice"),
    ({"dict": "nope"}, {}, "unknown entry"),
    ({"tensor": "i", "requires_grad": True}, {"i": np.arange(2)}, "requires_grad=True for a tensor of dtype"),
    ({"tensor": "w", "requires_grad": "yes"}, {"w": np.ones(2)}, "requires_grad='yes'"),
    ([1, 2], {}, r"unexpected entry \[1, 2\]"),
])
def test_malformed_structures_are_refused_naming_the_place(tmp_path, tree, arrays, message):
    path = tmp_path / "hand_made.safetensors"
    archive.write(path, arrays, tree, FORMAT, VERSION)
    with pytest.raises(FileFormatError, match=message) as info:
        load(path)
    assert str(path) in str(info.value)


def test_old_zip_checkpoints_still_load_with_every_value(tmp_path):
    ckpt = load(LEGACY)
    assert ckpt["epoch"] == 3 and ckpt["note"] == "v1" and ckpt["pair"] == (1, 2.5)
    np.testing.assert_array_equal(ckpt["mask"], [True, False])
    np.testing.assert_array_equal(ckpt["fortran"], np.arange(6).reshape(2, 3))
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    model.load_state_dict(ckpt["model"])
    np.testing.assert_allclose(model(ckpt["x"]).array, ckpt["out"], rtol=1e-6)
    opt = optim.Adam(model.parameters(), lr=0.01)
    opt.load_state_dict(ckpt["optimizer"])
    assert opt.state_dict()["state"][0]["step"] == 1
    save(ckpt, tmp_path / "converted.safetensors")  # saving converts it
    again = load(tmp_path / "converted.safetensors")
    np.testing.assert_array_equal(again["out"], ckpt["out"])
    assert again["model"].keys() == ckpt["model"].keys()


def _zip(path, members, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _npy(array, allow_pickle=False):
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=allow_pickle)
    return buffer.getvalue()


_V1 = json.dumps({"format": FORMAT, "version": 1, "tree": {"array": "a0"}})


_PWNED = Path(tempfile.gettempdir()) / "tinygrad_edu-pwned-by-a-checkpoint"


class _Evil:
    def __reduce__(self):
        return (open, (str(_PWNED), "w"))


def _huge_npy():
    header = np.lib.format.header_data_from_array_1_0(np.zeros(1))
    header["shape"] = (2**20, 2**20)
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, header)
    return buffer.getvalue() + b"\0" * 8


@pytest.mark.parametrize("members, message", [
    ({"header.json": _V1, "a0.npy": _npy(np.array([_Evil()], dtype=object), True)}, "only numeric arrays"),
    ({"header.json": _V1, "a0.npy": _npy(np.array(["text"]))}, "only numeric arrays"),
    ({"header.json": _V1, "a0.npy": _huge_npy()}, r"declares shape \(1048576, 1048576\)"),
    ({"header.json": _V1, "a0.npy": _npy(np.ones(3))[:-1]}, "but holds 23 data bytes"),
    ({"header.json": _V1, "a0.npy": b"\x93NUMPY\x03\x00"}, "npy version"),
    ({"header.json": _V1, "evil.py": b"import os"}, "it holds zip member 'evil.py'"),
    ({"a0.npy": _npy(np.ones(1))}, "no header.json inside"),
    ({"header.json": "{not json"}, "header.json is not valid JSON"),
    ({"header.json": json.dumps({"format": FORMAT, "version": 7})}, "does not describe a version 1"),
])
def test_hostile_old_format_files_are_refused_before_allocating(tmp_path, members, message):
    path = _zip(tmp_path / "old.tge", members)
    tracemalloc.start()
    try:
        with pytest.raises(FileFormatError, match=message) as info:
            load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(path) in str(info.value) and peak < 2**20
    assert not _PWNED.exists()


def test_compressed_members_which_could_inflate_to_gigabytes_are_refused(tmp_path):
    bomb = _zip(tmp_path / "bomb.tge", {"header.json": _V1, "a0.npy": _npy(np.zeros(2**20))},
                zipfile.ZIP_DEFLATED)
    assert bomb.stat().st_size < 20_000
    with pytest.raises(FileFormatError, match="'header.json' is compressed or encrypted"):
        load(bomb)
    raw = bytearray(_zip(tmp_path / "locked.tge", {"header.json": _V1}).read_bytes())
    central = raw.index(b"PK\x01\x02")
    raw[central + 8] |= 1  # the encryption flag in the central directory entry
    (tmp_path / "locked.tge").write_bytes(bytes(raw))
    with pytest.raises(FileFormatError, match="compressed or encrypted"):
        load(tmp_path / "locked.tge")


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
