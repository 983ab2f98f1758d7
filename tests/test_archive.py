"""The shared file container (safetensors + JSON structure): round trip, permissions, refusals."""
import os

import numpy as np
import pytest
from safetensors.numpy import load_file

from tinygrad_edu import archive


def test_round_trip_is_readable_by_safetensors_and_written_with_open_permissions(tmp_path):
    path = tmp_path / "f.safetensors"
    arrays = {"w": np.arange(6.0).reshape(2, 3), "mask": np.array([True, False])}
    archive.write(path, arrays, {"layers": [1, 2]}, "test.kind", 1)
    got, structure = archive.read(path, "test.kind", (1,))
    assert structure == {"layers": [1, 2]}
    for name in arrays:
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
