"""One training epoch on the 8x8 digits (1,437 training images, batch 32, shuffled, Adam): an MLP 64-128-10
and a LeNet-style CNN (conv3x3x16 -> relu -> pool, conv3x3x32 -> relu -> pool, linear), each written with
the nn/optim/data API, against the same models in PyTorch CPU. This is what a lesson's training loop
costs end to end: data loading, module calls, loss, backward and optimizer, not only the kernels.
Cases with threads=1 pin both libraries to one thread: on a shared 2-core machine PyTorch's
2-thread pool can stall badly when other processes hold a core, and one thread shows the engines alone."""
from bench import Skip

BASELINE = "torch"
PEERS = ["tinygrad_edu", "torch"]
CASES = [{"model": "mlp"}, {"model": "cnn"}, {"model": "mlp", "threads": 1}, {"model": "cnn", "threads": 1}]
BATCH = 32


def _data(model: str):
    import numpy as np

    from tinygrad_edu.data import load_digits, train_test_split

    X, y = load_digits(flatten=model == "mlp")
    X_train, _, y_train, _ = train_test_split(X.astype(np.float32), y, test_fraction=0.2, seed=0)
    return X_train, y_train


def _layers(nn, model: str):
    """The same architecture from either library's `nn` module."""
    if model == "mlp":
        return nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    return nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(128, 10))


def setup(peer: str, case: dict):
    X, y = _data(case["model"])
    if peer == "tinygrad_edu":
        return _tinygrad_edu_epoch(X, y, case["model"])
    if peer == "torch":
        return _torch_epoch(X, y, case["model"])
    raise Skip(f"unknown peer {peer}")


def _tinygrad_edu_epoch(X, y, model_name):
    import tinygrad_edu as tg
    from tinygrad_edu import data, nn, optim

    tg.manual_seed(0)
    model = _layers(nn, model_name)
    opt = optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    loader = data.DataLoader(data.TensorDataset(X, y), batch_size=BATCH, shuffle=True, seed=0)

    def epoch():
        for xb, yb in loader:
            loss = loss_fn(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()

    return epoch


def _torch_epoch(X, y, model_name):
    """PyTorch's idiomatic loop, with batches cut by indexing tensors (faster than its per-sample
    DataLoader collation, so the comparison does not flatter tinygrad_edu)."""
    import torch

    torch.manual_seed(0)
    model = _layers(torch.nn, model_name)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    generator = torch.Generator().manual_seed(0)

    def epoch():
        order = torch.randperm(len(Xt), generator=generator)
        for start in range(0, len(Xt), BATCH):
            idx = order[start:start + BATCH]
            loss = loss_fn(model(Xt[idx]), yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()

    return epoch
