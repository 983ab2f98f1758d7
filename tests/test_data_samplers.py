"""Samplers, default_collate and the DataLoader's PyTorch arguments (sampler, batch_sampler, num_workers,
collate_fn, generator, pin_memory), checked against torch.utils.data where the results are defined
without randomness, and for reproducibility where they are random."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.data import (
    BatchSampler,
    ConcatDataset,
    DataLoader,
    Dataset,
    IterableDataset,
    RandomSampler,
    SequentialSampler,
    Subset,
    SubsetRandomSampler,
    TensorDataset,
    WeightedRandomSampler,
    default_collate,
    get_worker_info,
    random_split,
)
from tinygrad_edu.errors import ShapeError

torch = pytest.importorskip("torch")
tud = torch.utils.data


class Ragged(Dataset):
    """Item 3 has another length than the rest: the stacking error must name it."""

    def __len__(self):
        return 6

    def __getitem__(self, i):
        return np.ones(3 if i == 3 else 2), i


def _pairs(batch):
    """A batch as plain lists, whichever library made it."""
    return [b.tolist() if hasattr(b, "tolist") else b for b in batch]


def test_default_collate_builds_the_same_batches_as_pytorch():
    samples = [({"x": np.array([1.0, 2.0]), "label": 3}, 0.5, "a", True),
               ({"x": np.array([3.0, 4.0]), "label": 4}, 1.5, "b", False)]
    ours, theirs = default_collate(samples), tud.default_collate(samples)
    assert ours[0]["x"].tolist() == theirs[0]["x"].tolist() and ours[0]["x"].dtype == tg.float64
    assert ours[0]["label"].tolist() == theirs[0]["label"].tolist() and ours[0]["label"].dtype == tg.int64
    assert ours[1].dtype == tg.float64 and ours[1].tolist() == theirs[1].tolist()
    assert list(ours[2]) == list(theirs[2]) == ["a", "b"] and ours[3].tolist() == theirs[3].tolist()
    stacked = default_collate([tg.ones(2, device="strict"), tg.zeros(2, device="strict")])
    assert stacked.shape == (2, 2) and stacked.device == "strict"


def test_a_sample_that_does_not_stack_is_named():
    loader = DataLoader(Ragged(), batch_size=3)
    batches = iter(loader)
    assert next(batches)[0].shape == (3, 2)
    with pytest.raises(ShapeError, match=r"different shapes .*dataset\[3\]\[0\] has shape \(3,\), "
                                         r"dataset\[4\]\[0\] has shape \(2,\)"):
        next(batches)
    with pytest.raises(RuntimeError, match=r"dataset\[0\]\[0\] has shape \(2,\), dataset\[3\]\[0\] has shape "
                                           r"\(3,\).*collate_fn that pads"):
        list(DataLoader(Ragged(), batch_size=6))


def test_samplers_visit_what_pytorchs_do():
    data = list(range(10))
    assert list(SequentialSampler(data)) == list(tud.SequentialSampler(data))
    for drop in (False, True):
        ours, theirs = BatchSampler(SequentialSampler(data), 4, drop), tud.BatchSampler(data, 4, drop)
        assert list(ours) == list(theirs) and len(ours) == len(theirs)
    g = tg.Generator().manual_seed(0)
    order = list(RandomSampler(data, generator=g))
    assert sorted(order) == data and order != data and list(RandomSampler(data, generator=g)) != order
    assert list(RandomSampler(data, generator=tg.Generator().manual_seed(0))) == order
    drawn = list(RandomSampler(data, replacement=True, num_samples=25, generator=g))
    assert len(drawn) == 25 and set(drawn) <= set(data)
    longer = list(RandomSampler(data, num_samples=15, generator=g))
    assert len(longer) == 15 and sorted(longer[:10]) == data
    assert sorted(SubsetRandomSampler([7, 3, 5], generator=g)) == [3, 5, 7]
    weighted = list(WeightedRandomSampler([0.0, 1.0, 0.0, 3.0], 400, generator=g))
    assert set(weighted) == {1, 3} and 0.65 < weighted.count(3) / 400 < 0.85
    with pytest.raises(ValueError, match="cannot draw 3 indices without replacement"):
        WeightedRandomSampler([1.0, 1.0], 3, replacement=False)


def test_loader_arguments_work_together():
    X, y = np.arange(20.0).reshape(10, 2), np.arange(10)
    ds = TensorDataset(X, y)
    calls = []
    loader = DataLoader(ds, batch_size=4, sampler=SequentialSampler(ds), num_workers=3, pin_memory=True,
                        collate_fn=lambda batch: ("custom", len(batch)), worker_init_fn=calls.append,
                        persistent_workers=True, prefetch_factor=2, timeout=5)
    assert list(loader) == [("custom", 4), ("custom", 4), ("custom", 2)] and calls == [0, 1, 2]
    assert get_worker_info() is None  # batches load in the main process here
    by_batches = DataLoader(ds, batch_sampler=[[9, 0], [3]])
    assert [b[1].tolist() for b in by_batches] == [[9, 0], [3]] and len(by_batches) == 2
    g1, g2 = tg.Generator().manual_seed(4), tg.Generator().manual_seed(4)
    first = [b[1].tolist() for b in DataLoader(ds, batch_size=5, shuffle=True, generator=g1)]
    assert first == [b[1].tolist() for b in DataLoader(ds, batch_size=5, shuffle=True, generator=g2)]
    single = list(DataLoader(ds, batch_size=None))
    assert len(single) == 10 and single[2][0].tolist() == [4.0, 5.0]
    x, label = ds[3]
    assert isinstance(x, tg.Tensor) and x.tolist() == [6.0, 7.0] and label.item() == 3
    assert ds.tensors[0].shape == (10, 2)
    for bad, message in [(dict(sampler=SequentialSampler(ds), shuffle=True), "sampler and shuffle"),
                         (dict(batch_sampler=[[0]], batch_size=2), "batch_sampler excludes"),
                         (dict(prefetch_factor=2), "prefetch_factor only applies"),
                         (dict(num_workers=-1), "num_workers must be an int >= 0"),
                         (dict(seed=1, generator=g1), "either seed or generator")]:
        with pytest.raises(ValueError, match=message):
            DataLoader(ds, **bad)


def test_subsets_splits_concatenation_and_streams():
    ds = TensorDataset(np.arange(10))
    parts = random_split(ds, [0.7, 0.3], generator=tg.Generator().manual_seed(0))
    assert [len(p) for p in parts] == [7, 3]
    seen = sorted(int(p[i][0]) for p in parts for i in range(len(p)))
    assert seen == list(range(10)) and [len(p) for p in random_split(ds, [4, 6])] == [4, 6]
    with pytest.raises(ValueError, match="add up to the dataset's length 10"):
        random_split(ds, [4, 5])
    assert int(Subset(ds, [5, 2])[1][0]) == 2
    both = ConcatDataset([Subset(ds, [0, 1]), Subset(ds, [9])])
    assert len(both) == 3 and int(both[2][0]) == 9 and int(both[-1][0]) == 9

    class Counter(IterableDataset):
        def __iter__(self):
            return iter(range(7))

    assert [b.tolist() for b in DataLoader(Counter(), batch_size=3)] == [[0, 1, 2], [3, 4, 5], [6]]
    dropped = DataLoader(Counter(), batch_size=3, drop_last=True)
    assert [b.tolist() for b in dropped] == [[0, 1, 2], [3, 4, 5]]
    with pytest.raises(ValueError, match="IterableDataset decides its own order"):
        DataLoader(Counter(), shuffle=True)
