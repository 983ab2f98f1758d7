"""Small models the static-graph tests share: an MLP, a CNN and an RNN, with inputs, all seeded."""
import numpy as np

import tinygrad_edu as tg
from tinygrad_edu import nn


def mlp():
    tg.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3)), tg.randn(5, 4)


def cnn():
    tg.manual_seed(1)
    model = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(2 * 4 * 4, 3))
    return model, tg.randn(2, 1, 8, 8)


class LastHidden(nn.Module):
    """An RNN unrolled over a fixed length; the prediction is a linear map of the last hidden state."""

    def __init__(self):
        super().__init__()
        self.rnn, self.head = nn.RNN(3, 5, batch_first=True), nn.Linear(5, 2)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out[:, -1])


def rnn():
    tg.manual_seed(2)
    return LastHidden(), tg.randn(2, 4, 3)


MODELS = {"mlp": mlp, "cnn": cnn, "rnn": rnn}


def classify_step(model, opt):
    """A training step written as a plain function: loss, backward, optimizer step."""
    def step(x, y, rows):
        opt.zero_grad()
        loss = -model(x).log_softmax(dim=1)[rows, y].mean()
        loss.backward()
        opt.step()
        return loss
    return step


def batch(n=6, features=4, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    x = tg.tensor(rng.standard_normal((n, features)).astype(np.float32))
    return x, tg.tensor(rng.integers(0, classes, n)), tg.arange(n)
