"""The shared file container (safetensors + JSON structure): round trip, permissions, refusals."""
import json
import os
import struct
import tracemalloc

import numpy as np
import pytest
from corruption import single_byte_corruptions
from safetensors.numpy import load_file

from tinygrad_edu import archive


def test_round_trip_is_readable_by_safetensors_and_written_with_open_permissions(tmp_path):
    path = tmp_path / "f.safetensors"
    arrays = {"w": np.arange(6.0).reshape(2, 3), "mask": np.array([True, False]), "empty": np.zeros((0, 3)),
              "scalar": np.array(7, dtype=np.int64), "half": np.ones(3, dtype=np.float16),
              "big_endian": np.arange(4, dtype=">i4"), "strided": np.arange(10.0)[::2]}
    archive.write(path, arrays, {"layers": [1, 2]}, "test.kind", 1)
    got, structure = archive.read(path, "test.kind", (1,))
    assert structure == {"layers": [1, 2]}
    assert set(got) == set(arrays)
    for name in arrays:
        assert got[name].shape == arrays[name].shape
        assert got[name].dtype == arrays[name].dtype.newbyteorder("=")
        np.testing.assert_array_equal(got[name], arrays[name])
        np.testing.assert_array_equal(load_file(path)[name], arrays[name])
    umask = os.umask(0)
    os.umask(umask)
    assert os.stat(path).st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.parametrize("cut", [0, 5, 9, -1])
def test_truncated_files_are_refused_naming_the_file(tmp_path, cut):
    path = tmp_path / "f.safetensors"
    archive.write(path, {"w": np.ones((4, 4))}, None, "test.kind", 1)
    raw = path.read_bytes()
    path.write_bytes(raw[:cut] if cut >= 0 else raw[:-1])
    with pytest.raises(archive.FileFormatError, match="f.safetensors"):
        archive.read(path, "test.kind", (1,))


def test_wrong_kind_version_and_object_arrays_are_refused(tmp_path):
    path = tmp_path / "f.safetensors"
    archive.write(path, {}, [], "other.kind", 1)
    with pytest.raises(archive.FileFormatError, match="not a test.kind file"):
        archive.read(path, "test.kind", (1,))
    with pytest.raises(archive.FileFormatError, match="version '1'"):
        archive.read(path, "other.kind", (2,))
    with pytest.raises(TypeError, match="only numeric arrays"):
        archive.write(path, {"s": np.array(["a"])}, None, "test.kind", 1)


def test_every_single_byte_corruption_is_read_correctly_or_refused(tmp_path):
    """A small file, every byte replaced by several values: the only outcomes are arrays of the declared
    shapes and dtypes (a changed data byte is still a valid file) or FileFormatError naming the file."""
    path = tmp_path / "f.safetensors"
    archive.write(path, {"w": np.arange(3.0), "i": np.array([1, 2], dtype=np.int32)}, {"k": [1, "x"]},
                  "test.kind", 1)
    size, refused = path.stat().st_size, 0
    values = lambda byte: {byte ^ 0xFF, byte ^ 1, ord('"'), ord("9"), ord("{"), 0}
    for _ in single_byte_corruptions(path, range(size), values):
        try:
            arrays, _ = archive.read(path, "test.kind", (1,))
        except archive.FileFormatError as err:
            assert str(path) in str(err)
            refused += 1
            continue
        assert all(isinstance(a, np.ndarray) and a.dtype.kind in "biuf" for a in arrays.values())
        assert sum(a.nbytes for a in arrays.values()) <= size
    assert refused > size  # most corruptions break the header; the test saw them


def _file(path, header, data=b""):
    """A hand-made safetensors file: header (a dict, or raw bytes) and data bytes."""
    text = header if isinstance(header, bytes) else json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(text)) + text + data)
    return path


_META = {"format": "test.kind", "version": "1", "structure": "null"}


def _one(dtype="F64", shape=(1,), offsets=(0, 8)):
    return {"__metadata__": _META, "a": {"dtype": dtype, "shape": list(shape), "data_offsets": list(offsets)}}


def _two(a, b):
    entry = lambda offsets: {"dtype": "F64", "shape": [1], "data_offsets": list(offsets)}
    return {"__metadata__": _META, "a": entry(a), "b": entry(b)}


_HOSTILE = {
    "huge header size": (b"", b"", "header declares 18446744073709551615 bytes"),
    "huge shape": (_one(shape=(2**40, 2**40)), b"\0" * 8, "larger than any array"),
    "huge empty shape": (_one(shape=(0, 2**62)), b"\0" * 8, "larger than any array"),
    "shape and bytes disagree": (_one(shape=(2,)), b"\0" * 8, r"16 bytes\) but data bytes 0..8"),
    "offsets past the end": (_one(shape=(100,), offsets=(0, 800)), b"\0" * 8, "cover 800 data bytes"),
    "negative offsets": (_one(offsets=(-8, 0)), b"\0" * 8, "invalid data offsets"),
    "reversed offsets": (_one(shape=(0,), offsets=(8, 0)), b"\0" * 8, "invalid data offsets"),
    "float offsets": (_one(offsets=(0.0, 8)), b"\0" * 8, "invalid data offsets"),
    "float shape": (_one(shape=(1.0,)), b"\0" * 8, "invalid shape"),
    "too many dims": (_one(shape=(1,) * 40), b"\0" * 8, "invalid shape"),
    "bfloat16 dtype": (_one(dtype="BF16"), b"\0" * 8, "unsupported dtype 'BF16'"),
    "object dtype": (_one(dtype="|O"), b"\0" * 8, "unsupported dtype '|O'"),
    "number dtype": (_one(dtype=8), b"\0" * 8, "unsupported dtype 8"),
    "complex dtype": (_one(dtype="C64"), b"\0" * 8, "unsupported dtype 'C64'"),
    "object entry": ({"__metadata__": _META, "a": "F64"}, b"", "not described by exactly"),
    "extra entry key": ({"__metadata__": _META, "a": {"dtype": "F64", "shape": [1], "data_offsets": [0, 8],
                                                       "exec": 1}}, b"\0" * 8, "not described by exactly"),
    "overlapping ranges": (_two((0, 8), (0, 8)), b"\0" * 8, "overlaps the array before"),
    "a hole": (_two((0, 8), (16, 24)), b"\0" * 24, "leaves bytes 8..16"),
    "trailing bytes": (_one(), b"\0" * 9, "cover 8 data bytes but the file holds 9"),
    "duplicate key": (b'{"__metadata__": {"format": "test.kind", "version": "1"}, "a": {}, "a": {}}', b"",
                      "key 'a' appears twice"),
    "deep header": (b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", b"", "header is"),
    "deep structure": ({"__metadata__": {**_META, "structure": "[" * 300 + "]" * 300}}, b"", "nested deeper"),
    "not utf-8": (b'{"\xff": 1}', b"", "not UTF-8"),
    "not an object": (b"[1, 2]", b"", "does not start with '{'"),
    "not json": (b"{nope", b"", "header is not valid JSON"),
    "metadata not strings": ({"__metadata__": {**_META, "extra": 3}}, b"", "metadata values must all be"),
    "no metadata": ({}, b"", "not a test.kind file"),
}


@pytest.mark.parametrize("case", list(_HOSTILE))
def test_hostile_files_are_refused_before_allocating(tmp_path, case):
    header, data, message = _HOSTILE[case]
    path = tmp_path / "hostile.safetensors"
    if case == "huge header size":
        path.write_bytes(b"\xff" * 8 + b"{}")
    else:
        _file(path, header, data)
    tracemalloc.start()
    try:
        with pytest.raises(archive.FileFormatError, match=message) as info:
            archive.read(path, "test.kind", (1,))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(path) in str(info.value)
    assert peak < 4 * 2**20 + 20 * path.stat().st_size  # the deep header's JSON parse is the largest


def test_write_refuses_what_could_not_be_read_back_and_keeps_the_old_file(tmp_path):
    path = tmp_path / "f.safetensors"
    archive.write(path, {"w": np.ones(2)}, [1], "test.kind", 1)
    cases = [({"__metadata__": np.ones(1)}, None, TypeError, "name '__metadata__'"),
             ({"\ud800": np.ones(1)}, None, TypeError, "cannot be stored"),
             ({3: np.ones(1)}, None, TypeError, "array name 3"),
             ({"c": np.ones(1, dtype=complex)}, None, TypeError, "only numeric arrays"),
             ({"d": np.ones((1,) * 33)}, None, ValueError, "33 dimensions"),
             ({}, {"f": object()}, TypeError, "not plain JSON"),
             ({}, _nested(250), ValueError, "nested deeper than 200")]
    for arrays, structure, error, message in cases:
        with pytest.raises(error, match=message):
            archive.write(path, arrays, structure, "test.kind", 1)
    with pytest.raises(FileNotFoundError, match="the directory .*missing does not exist"):
        archive.write(tmp_path / "missing" / "f.safetensors", {}, None, "test.kind", 1)
    assert archive.read(path, "test.kind", (1,))[1] == [1]
    assert [p.name for p in tmp_path.iterdir()] == ["f.safetensors"]


def _nested(levels):
    value = []
    for _ in range(levels):
        value = [value]
    return value


def test_a_crash_while_writing_leaves_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "f.safetensors"
    archive.write(path, {"w": np.ones(2)}, None, "test.kind", 1)

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(archive, "save_file", crash)
    with pytest.raises(OSError, match="disk full"):
        archive.write(path, {"w": np.zeros(2)}, None, "test.kind", 1)
    np.testing.assert_array_equal(archive.read(path, "test.kind", (1,))[0]["w"], np.ones(2))
    assert [p.name for p in tmp_path.iterdir()] == ["f.safetensors"]
