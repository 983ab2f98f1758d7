"""The 8x8 handwritten digits that ship inside scikit-learn (1,797 images): no download needed."""
import numpy as np


def load_digits(flatten=True, dtype=np.float32):
    """Return `(X, y)`: X scaled to [0, 1] in `dtype` (float32, PyTorch's default, unless asked),
    shape (1797, 64) or (1797, 1, 8, 8); y int64 labels."""
    from sklearn.datasets import load_digits as sklearn_digits  # imported late: sklearn is slow to import

    bunch = sklearn_digits()
    X = (bunch.data / 16.0).astype(dtype)
    if not flatten:
        X = X.reshape(-1, 1, 8, 8)
    return X, bunch.target.astype(np.int64)


def train_test_split(*arrays, test_fraction=0.2, seed=0):
    """Shuffle rows with `seed` and split each array: returns (a_train, a_test, b_train, b_test, ...)."""
    if not arrays:
        raise ValueError("train_test_split: expected at least one array, got none")
    if not 0 < test_fraction < 1:
        raise ValueError(f"train_test_split: test_fraction must be between 0 and 1, got {test_fraction!r}")
    n = len(arrays[0])
    if any(len(a) != n for a in arrays):
        raise ValueError(f"train_test_split: arrays differ in length: {[len(a) for a in arrays]}")
    order = np.random.default_rng(seed).permutation(n)
    n_test = max(1, int(round(n * test_fraction)))
    test, train = order[:n_test], order[n_test:]
    return tuple(part for a in arrays for part in (np.asarray(a)[train], np.asarray(a)[test]))
