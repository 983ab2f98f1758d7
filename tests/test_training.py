"""End-to-end training with fixed seeds, `fit` and its history, and bit-exact checkpoint resume."""
import matplotlib
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import data, nn, optim
from tinygrad_edu.nn.scalar_mlp import MLP
from tinygrad_edu.tensor import Tensor
from tinygrad_edu.training import History, evaluate, fit

matplotlib.use("Agg")


def _digits(flatten):
    X, y = data.load_digits(flatten=flatten)
    Xtr, Xte, ytr, yte = data.train_test_split(X.astype(np.float32), y, test_fraction=0.2, seed=0)
    return Xtr, Xte, ytr, yte


def _train_digits(model, seed, epochs, flatten):
    Xtr, Xte, ytr, yte = _digits(flatten)
    opt = optim.Adam(model.parameters(), lr=3e-3)
    loader = data.DataLoader(data.TensorDataset(Xtr, ytr), batch_size=32, shuffle=True, seed=seed)
    test_loader = data.DataLoader(data.TensorDataset(Xte, yte), batch_size=512)
    sched = optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
    return fit(model, loader, nn.CrossEntropyLoss(), opt, epochs, val_loader=test_loader, scheduler=sched,
               progress=False)


def test_digits_mlp_reaches_97_percent():
    tg.manual_seed(2)
    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    history = _train_digits(model, seed=2, epochs=20, flatten=True)
    assert history["val_accuracy"][-1] >= 0.97
    assert history["loss"][-1] < history["loss"][0] / 10


@pytest.mark.slow
def test_digits_cnn_reaches_98_percent():
    tg.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(256, 10))
    history = _train_digits(model, seed=0, epochs=15, flatten=False)
    assert history["val_accuracy"][-1] >= 0.98


class RunningCount(nn.Module):
    """Reads a bit sequence and outputs, at every step, how many ones it has seen so far."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(1, 16, batch_first=True)
        self.head = nn.Linear(16, 1)

    def forward(self, bits):
        out, _ = self.lstm(bits)
        return self.head(out)


@pytest.mark.slow
def test_lstm_learns_the_running_count_of_a_bit_sequence():
    tg.manual_seed(0)
    rng = np.random.default_rng(0)
    length = 6
    model = RunningCount()
    opt = optim.Adam(model.parameters(), lr=1e-2)
    sched = optim.lr_scheduler.CosineAnnealingLR(opt, 400)
    for _ in range(400):
        bits = rng.integers(0, 2, size=(32, length, 1)).astype(np.float32)
        loss = nn.functional.mse_loss(model(Tensor(bits)), Tensor(np.cumsum(bits, axis=1) / length))
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
    bits = rng.integers(0, 2, size=(500, length, 1)).astype(np.float32)
    with tg.no_grad():
        counts = model(Tensor(bits)).array * length
    assert np.abs(counts - np.cumsum(bits, axis=1)).max() < 0.5  # every count rounds to the truth
    assert float(loss.array) < 1e-3


@pytest.mark.slow
def test_scalar_value_mlp_separates_the_moons():
    X, y = data.make_moons(60, noise=0.1, seed=0)
    signs = y * 2 - 1
    model = MLP(2, [8, 8, 1], seed=1)
    for k in range(50):
        scores = [model([float(a), float(b)]) for a, b in X]
        margins = [(1 - float(s) * score).relu() for s, score in zip(signs, scores)]
        loss = sum(margins) * (1.0 / len(margins)) + 1e-4 * sum(p * p for p in model.parameters())
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= (1.0 - 0.9 * k / 50) * p.grad
    accuracy = np.mean([(model([float(a), float(b)]).data > 0) == (s > 0) for (a, b), s in zip(X, signs)])
    assert accuracy >= 0.95 and len(model.parameters()) == 2 * 8 + 8 + 8 * 8 + 8 + 8 + 1
    with pytest.raises(ValueError, match="Neuron: expected 2 inputs, got 3"):
        model([1.0, 2.0, 3.0])


def _checkpoint_setup(seed):
    tg.manual_seed(seed)
    model = nn.Sequential(nn.Linear(64, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Linear(32, 10))
    opt = optim.AdamW(model.parameters(), lr=1e-2, amsgrad=True)
    sched = optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
    return model, opt, sched


def _steps(model, opt, sched, batches):
    loss_fn = nn.CrossEntropyLoss()
    for x, y in batches:
        loss = loss_fn(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()


def test_checkpoint_resume_is_bit_exact(tmp_path):
    Xtr, _, ytr, _ = _digits(True)
    batches = list(data.DataLoader(data.TensorDataset(Xtr, ytr), batch_size=16, shuffle=True, seed=0))[:10]
    straight = _checkpoint_setup(0)
    _steps(*straight, batches)

    first = _checkpoint_setup(0)
    _steps(*first, batches[:5])
    model, opt, sched = first
    path = tmp_path / "run.ckpt"
    tg.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "scheduler": sched.state_dict(),
             "epoch": 5}, path)
    resumed = _checkpoint_setup(123)  # different initial weights: everything must come from the file
    checkpoint = tg.load(path)
    resumed[0].load_state_dict(checkpoint["model"])
    resumed[1].load_state_dict(checkpoint["optimizer"])
    resumed[2].load_state_dict(checkpoint["scheduler"])
    assert checkpoint["epoch"] == 5
    _steps(*resumed, batches[5:])
    for (name, a), b in zip(straight[0].state_dict().items(), resumed[0].state_dict().values()):
        np.testing.assert_array_equal(a.array, b.array, err_msg=name)
    assert straight[1].param_groups[0]["lr"] == resumed[1].param_groups[0]["lr"]


def test_checkpoint_with_mismatched_model_names_key_and_shapes(tmp_path):
    path = tmp_path / "small.ckpt"
    tg.save(nn.Linear(4, 3).state_dict(), path)
    with pytest.raises(ValueError, match=r"size mismatch for 'weight': the checkpoint has shape \(3, 4\), "
                                         r"this model has \(5, 4\)"):
        nn.Linear(4, 5).load_state_dict(tg.load(path))


def test_fit_history_and_plot():
    X, y = data.make_moons(64, noise=0.1, seed=0)
    loader = data.DataLoader(data.TensorDataset(X.astype(np.float32), y), batch_size=16, shuffle=True, seed=0)
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 2))
    history = fit(model, loader, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), 3,
                  val_loader=loader, progress=True)
    assert len(history["loss"]) == len(history["val_accuracy"]) == 3 and "accuracy" in history
    assert 0 <= history["accuracy"][-1] <= 1 and "3 epochs" in repr(history)
    val_loss, val_accuracy = evaluate(model, loader, nn.CrossEntropyLoss())
    assert val_loss == pytest.approx(history["val_loss"][-1]) and model.training
    fig = history.plot()
    assert len(fig.axes) == 2 and fig.axes[0].get_ylabel() == "loss"
    with pytest.raises(KeyError, match=r"History: no metric 'f1'; recorded \["):
        history["f1"]
    with pytest.raises(ValueError, match="fit: epochs must be a positive int, got 0"):
        fit(model, loader, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), 0)
    regression = data.DataLoader(data.TensorDataset(X.astype(np.float32), X[:, :1].astype(np.float32)),
                                 batch_size=32)
    reg = nn.Linear(2, 1)
    history = fit(reg, regression, nn.MSELoss(), optim.SGD(reg.parameters(), lr=0.1), 2, progress=False)
    assert "accuracy" not in history and History().metrics == {}
