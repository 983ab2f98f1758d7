"""A student's own points in the Playground: NumPy arrays, pandas DataFrames and CSV files are read,
labelled (classes or a regression target) and split, then train; bad data is refused with the reason."""
import numpy as np
import pytest

from tinygrad_edu.widgets import Playground
from tinygrad_edu.widgets.playground_data import from_user


def blobs(n=120, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, size=n)
    X = rng.normal(scale=0.4, size=(n, 2)) + np.where(y[:, None] == 1, 0.8, -0.8)
    return X, y


def trains(pg, steps=150):
    pg.step(steps)
    return pg.history["loss"][-1] < 0.8 * pg.history["loss"][0]


def test_numpy_arrays_train():
    X, y = blobs()
    pg = Playground(data=(X, y), seed=0)
    assert pg.data.task == "classification" and pg.data.classes == ["0", "1"] and pg.dataset == "custom"
    assert pg.data.X.dtype == np.float32 and len(pg.data.y) == 120
    assert trains(pg)


def test_labels_become_classes_or_a_regression_target():
    X, y = blobs()
    assert from_user((X, y.astype(float)), 0.5, 0).task == "classification"      # 0.0/1.0 labels
    named = from_user((X, np.where(y == 1, "blue", "orange")), 0.5, 0)
    assert named.classes == ["blue", "orange"] and set(named.y) == {0, 1}
    target = from_user((X, X[:, 0] * 0.7 - X[:, 1]), 0.5, 0)
    assert target.task == "regression" and target.y.dtype == np.float32
    forced = from_user((X, y), 0.5, 0, task="regression")
    assert forced.task == "regression"
    pg = Playground(data=(X, X[:, 0] * 0.7 - X[:, 1]), seed=0)
    assert pg._session.loss_kind == "mse" and trains(pg)


def test_a_dataframe_trains():
    pd = pytest.importorskip("pandas")
    X, y = blobs()
    frame = pd.DataFrame({"height": X[:, 0], "weight": X[:, 1], "kind": np.where(y == 1, "b", "a")})
    pg = Playground(data=frame, seed=0)
    assert pg.data.inputs == ("height", "weight") and pg.data.classes == ["a", "b"]
    assert pg.scene["columns"][0]["labels"] == ["height", "weight"]
    assert trains(pg)
    wide = frame.assign(note="x", age=np.arange(120.0))
    pg = Playground(data=wide, columns=("weight", "age"), label="kind", seed=0)
    assert pg.data.inputs == ("weight", "age")
    with pytest.raises(ValueError, match="has 5 columns"):
        Playground(data=wide)
    with pytest.raises(ValueError, match="no column 'size'"):
        Playground(data=wide, columns=("size", "age"), label="kind")


def test_a_csv_file_trains(tmp_path):
    X, y = blobs()
    path = tmp_path / "points.csv"
    rows = ["a,b,colour"] + [f"{a:.4f},{b:.4f},{'red' if c else 'green'}" for (a, b), c in zip(X, y)]
    path.write_text("\n".join(rows) + "\n\n")
    pg = Playground(data=path, seed=0)
    assert pg.data.inputs == ("a", "b") and pg.data.classes == ["green", "red"]
    assert pg.data.name == "points.csv" and trains(pg)
    bare = tmp_path / "bare.csv"
    bare.write_text("\n".join(f"{a},{b},{c}" for (a, b), c in zip(X, y)))
    data = from_user(str(bare), 0.5, 0)
    assert data.inputs == ("column1", "column2") and data.classes == ["0", "1"]


def test_bad_csv_files_say_where(tmp_path):
    broken = tmp_path / "broken.csv"
    broken.write_text("x,y,label\n1,2,a\n3,oops,b\n4,5,a\n6,7,b\n")
    with pytest.raises(ValueError, match=r"column 'y', row 2: 'oops' is not a number"):
        Playground(data=broken)
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("x,y,label\n1,2,a\n3,4\n")
    with pytest.raises(ValueError, match="line 3 has 2 fields"):
        Playground(data=ragged)
    with pytest.raises(FileNotFoundError, match="cannot read the CSV file"):
        Playground(data=tmp_path / "missing.csv")


def test_bad_arrays_are_refused_with_the_reason():
    X, y = blobs()
    with pytest.raises(ValueError, match=r"shape \(n, 2\), got \(120, 3\)"):
        Playground(data=(np.hstack([X, X[:, :1]]), y))
    with pytest.raises(ValueError, match="X has 120 points, y has shape"):
        Playground(data=(X, y[:-1]))
    bad = X.copy()
    bad[7, 1] = np.nan
    with pytest.raises(ValueError, match="1 points have NaN or infinite coordinates .first at row 7"):
        Playground(data=(bad, y))
    with pytest.raises(ValueError, match="at least 2 classes"):
        Playground(data=(X, np.zeros(120, int)))
    with pytest.raises(ValueError, match="draws at most 10"):
        Playground(data=(X, np.arange(120) % 12))
    with pytest.raises(TypeError, match="got dict"):
        Playground(data={"X": X, "y": y})


def test_more_than_two_classes_use_softmax():
    X, _ = blobs(150)
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0).astype(int)      # three classes
    pg = Playground(data=(X, y), hidden=(6,), optimizer="adam", lr=0.03, seed=0)
    assert pg._session.loss_kind == "ce" and pg.scene["columns"][-1]["units"] == 3
    assert len(pg.frame["output"]) == 4 * 2500 * 3
    assert trains(pg, 200)


def test_changing_the_split_of_your_own_data_keeps_the_points():
    X, y = blobs()
    pg = Playground(data=(X, y), train_ratio=0.5, seed=0)
    pg.train_ratio = 0.8
    assert int((~pg.data.is_test).sum()) == 96 and len(pg.data.y) == 120 and pg.steps == 0
    with pytest.raises(ValueError, match="trains on your data="):
        pg.dataset = "moons"
