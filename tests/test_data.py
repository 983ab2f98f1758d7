"""Datasets, the DataLoader, the 2-D teaching sets, the bundled digits and the IDX reader."""
import gzip

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinygrad_edu.data import (
    DataLoader,
    Dataset,
    TensorDataset,
    load_digits,
    make_circles,
    make_gaussians,
    make_moons,
    make_spiral,
    make_xor,
    read_idx,
    train_test_split,
)
from tinygrad_edu.tensor import Tensor


def test_tensor_dataset_rows_and_length_check():
    ds = TensorDataset(np.arange(10).reshape(5, 2), np.arange(5))
    assert len(ds) == 5
    x, y = ds[3]
    assert x.tolist() == [6, 7] and y == 3
    with pytest.raises(ValueError, match=r"TensorDataset.*\(5, 2\).*\(4,\)"):
        TensorDataset(np.zeros((5, 2)), np.zeros(4))


def test_loader_batches_cover_everything_once_and_drop_last():
    X, y = np.arange(20.0).reshape(10, 2), np.arange(10)
    loader = DataLoader(TensorDataset(X, y), batch_size=4, shuffle=True, seed=0)
    batches = list(loader)
    assert len(loader) == 3 and [len(b[1].array) for b in batches] == [4, 4, 2]
    assert all(isinstance(t, Tensor) for b in batches for t in b)
    seen = np.concatenate([b[1].array for b in batches])
    assert sorted(seen.tolist()) == list(range(10)) and seen.tolist() != list(range(10))
    for xb, yb in batches:  # rows stay paired with their labels
        np.testing.assert_array_equal(xb.array, X[yb.array])
    dropped = DataLoader(TensorDataset(X, y), batch_size=4, drop_last=True)
    assert len(dropped) == 2 and [b[1].array.tolist() for b in dropped] == [[0, 1, 2, 3], [4, 5, 6, 7]]


def test_loader_shuffle_is_reproducible_and_changes_per_epoch():
    ds = TensorDataset(np.arange(50))

    def orders(seed):
        loader = DataLoader(ds, batch_size=50, shuffle=True, seed=seed)
        return [next(iter(loader))[0].array.tolist() for _ in range(2)]

    first, again = orders(7), orders(7)
    assert first == again and first[0] != first[1] and orders(8) != first


def test_loader_over_plain_dataset_stacks_samples():
    class Squares(Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return np.array([i, i * i], dtype=np.float64)

    (batch,) = list(DataLoader(Squares(), batch_size=5))
    np.testing.assert_array_equal(batch.array[:, 1], [0, 1, 4, 9, 16])


def test_loader_rejects_bad_arguments():
    with pytest.raises(ValueError, match="DataLoader: batch_size must be a positive int, got 0"):
        DataLoader(TensorDataset(np.zeros(3)), batch_size=0)
    with pytest.raises(TypeError, match="DataLoader: dataset must support len"):
        DataLoader(42)
    with pytest.raises(NotImplementedError, match="must define __len__"):
        len(Dataset())


@pytest.mark.parametrize("make", [make_moons, make_circles, make_xor, make_gaussians])
def test_two_class_sets_have_shape_balance_and_seed(make):
    X, y = make(n_samples=101, seed=3)
    assert X.shape == (101, 2) and X.dtype == np.float32 and y.dtype == np.int64
    assert make(n_samples=10, seed=3, dtype=np.float64)[0].dtype == np.float64
    assert set(y.tolist()) == {0, 1} and abs(int((y == 0).sum()) - int((y == 1).sum())) <= 30
    X2, y2 = make(n_samples=101, seed=3)
    np.testing.assert_array_equal(X, X2)
    assert not np.array_equal(X, make(n_samples=101, seed=4)[0])


def test_set_geometry_matches_its_description():
    X, y = make_circles(200, noise=0.0, factor=0.3, seed=0, dtype=np.float64)
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radius[y == 0], 1.0)
    np.testing.assert_allclose(radius[y == 1], 0.3)
    X, y = make_xor(300, noise=0.0, seed=0)
    assert ((X[:, 0] * X[:, 1] < 0) == (y == 1)).all()
    X, y = make_spiral(300, classes=3, seed=0)
    assert np.bincount(y).tolist() == [100, 100, 100] and np.abs(X).max() <= 1.0
    X, y = make_gaussians(400, centers=((5, 5), (-5, -5)), noise=0.5, seed=0)
    np.testing.assert_allclose(X[y == 0].mean(axis=0), [5, 5], atol=0.15)


def test_set_arguments_are_checked():
    with pytest.raises(ValueError, match="make_moons: n_samples must be an int >= 2, got 1"):
        make_moons(1)
    with pytest.raises(ValueError, match="make_circles: noise must be >= 0"):
        make_circles(10, noise=-1)
    with pytest.raises(ValueError, match="make_circles: factor"):
        make_circles(10, factor=2)
    with pytest.raises(ValueError, match="make_spiral: classes"):
        make_spiral(10, classes=1)
    with pytest.raises(ValueError, match=r"make_gaussians: centers must have shape \(k>=2, 2\), got \(3,\)"):
        make_gaussians(10, centers=(1, 2, 3))


def test_digits_are_bundled_and_split_reproducibly():
    X, y = load_digits()
    assert X.shape == (1797, 64) and 0.0 <= X.min() and X.max() == 1.0 and set(y.tolist()) == set(range(10))
    assert X.dtype == np.float32 and load_digits(dtype=np.float64)[0].dtype == np.float64
    assert load_digits(flatten=False)[0].shape == (1797, 1, 8, 8)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_fraction=0.25, seed=1)
    assert len(Xte) == 449 and len(Xtr) == 1348
    assert sorted(np.concatenate([ytr, yte]).tolist()) == sorted(y.tolist())
    np.testing.assert_array_equal(train_test_split(X, y, test_fraction=0.25, seed=1)[1], Xte)
    with pytest.raises(ValueError, match=r"train_test_split: arrays differ in length: \[1797, 3\]"):
        train_test_split(X, y[:3])


def _idx_bytes(array, code):
    header = bytes([0, 0, code, array.ndim]) + np.array(array.shape, dtype=">u4").tobytes()
    return header + array.tobytes()


@pytest.mark.parametrize("dtype, code", [(">u1", 0x08), (">i2", 0x0B), (">f4", 0x0D), (">f8", 0x0E)])
def test_idx_round_trip(tmp_path, dtype, code):
    array = (np.arange(24).reshape(2, 3, 4) * 3 - 5).astype(dtype) if dtype != ">u1" else \
        np.arange(24, dtype=dtype).reshape(2, 3, 4)
    path = tmp_path / "images.idx"
    path.write_bytes(_idx_bytes(array, code))
    out = read_idx(path)
    np.testing.assert_array_equal(out, array)
    assert out.shape == (2, 3, 4) and out.dtype.isnative


def test_idx_reads_gzip(tmp_path):
    labels = np.array([3, 1, 4, 1, 5], dtype=np.uint8)
    path = tmp_path / "labels-idx1-ubyte.gz"
    path.write_bytes(gzip.compress(_idx_bytes(labels, 0x08)))
    np.testing.assert_array_equal(read_idx(path), labels)


def test_idx_rejects_corrupt_files(tmp_path):
    good = _idx_bytes(np.zeros((4, 5), dtype=np.uint8), 0x08)
    cases = {
        "missing": None,
        "magic": b"\x01\x02" + good[2:],
        "code": good[:2] + b"\x42" + good[3:],
        "header": good[:6],
        "short": good[:-1],
        "long": good + b"\x00",
        "gzip.gz": b"not gzip at all",
    }
    messages = {"missing": "no such file", "magic": "not an IDX file", "code": "unknown type code 0x42",
                "header": "truncated inside its header", "short": r"holds 31 bytes.*shape \(4, 5\).*needs 32",
                "long": "holds 33 bytes", "gzip.gz": "not a readable gzip file"}
    for name, content in cases.items():
        path = tmp_path / name
        if content is not None:
            path.write_bytes(content)
        error = FileNotFoundError if content is None else ValueError
        with pytest.raises(error, match=messages[name]) as info:
            read_idx(path)
        assert str(path) in str(info.value)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 40), batch_size=st.integers(1, 12), shuffle=st.booleans(), drop_last=st.booleans(),
       seed=st.integers(0, 2**16))
def test_loader_partitions_the_dataset(n, batch_size, shuffle, drop_last, seed):
    loader = DataLoader(TensorDataset(np.arange(n)), batch_size=batch_size, shuffle=shuffle,
                        drop_last=drop_last, seed=seed)
    batches = [b[0].array.tolist() for b in loader]
    assert len(batches) == len(loader)
    assert all(len(b) == batch_size for b in batches[:-1] if b)
    seen = [i for b in batches for i in b]
    assert len(seen) == len(set(seen)) and set(seen) <= set(range(n))
    assert len(seen) == (n - n % batch_size if drop_last else n)
