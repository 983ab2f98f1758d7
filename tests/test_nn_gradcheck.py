"""Layer and loss gradients against float64 central differences (tinygrad_edu.gradcheck), for inputs
and parameters alike: a check that does not lean on PyTorch being right."""
import numpy as np
import pytest
from nn_parity import flat

from tinygrad_edu import gradcheck, nn
from tinygrad_edu.nn import functional as F
from tinygrad_edu.tensor import Tensor

R = np.random.default_rng(3)


def _owner(module, dotted):
    *path, leaf = dotted.split(".")
    for part in path:
        module = module._modules[part]
    return module, leaf


def check_module(module, *arrays):
    """gradcheck over the inputs *and* every parameter: the parameters are swapped for gradcheck's
    float64 copies inside the call, so their gradients are checked too."""
    module.double()
    names = [n for n, _ in module.named_parameters()]
    params = [Tensor(p.array, requires_grad=True) for p in module.parameters()]
    inputs = [Tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]

    def run(*args):
        xs, ps = args[:len(inputs)], args[len(inputs):]
        for name, p in zip(names, ps):
            owner, leaf = _owner(module, name)
            owner._parameters[leaf] = p
        return tuple(flat(module(*xs)))

    assert gradcheck(run, *inputs, *params, atol=1e-6, rtol=1e-4)


MODULES = {
    "Linear": (lambda: nn.Linear(3, 2), [R.normal(size=(2, 3))]),
    "Bilinear": (lambda: nn.Bilinear(2, 3, 2), [R.normal(size=(2, 2)), R.normal(size=(2, 3))]),
    "Conv1d": (lambda: nn.Conv1d(2, 2, 3, padding=1), [R.normal(size=(1, 2, 4))]),
    "LayerNorm": (lambda: nn.LayerNorm(4), [R.normal(size=(2, 4))]),
    "BatchNorm1d-train": (lambda: nn.BatchNorm1d(3), [R.normal(size=(4, 3))]),
    # (padding_idx is left out: its row gets no gradient by design, which differences would contradict)
    "Embedding": (lambda: nn.Embedding(4, 2), [np.array([[0, 1], [3, 1]])]),
    "AdaptiveAvgPool2d": (lambda: nn.AdaptiveAvgPool2d((2, 2)), [R.normal(size=(1, 1, 3, 5))]),
    "RNN": (lambda: nn.RNN(2, 3), [R.normal(size=(3, 1, 2))]),
    "LSTM": (lambda: nn.LSTM(2, 2, num_layers=2), [R.normal(size=(3, 1, 2))]),
    "GRU": (lambda: nn.GRU(2, 3, batch_first=True), [R.normal(size=(1, 3, 2))]),
    "LSTM-bidirectional": (lambda: nn.LSTM(2, 2, bidirectional=True), [R.normal(size=(3, 1, 2))]),
}


@pytest.mark.parametrize("name", list(MODULES))
def test_module_gradients_match_central_differences(name):
    build, arrays = MODULES[name]
    check_module(build(), *arrays)


def test_attention_gradients_match_central_differences():
    mha = nn.MultiheadAttention(4, 2)

    class SelfAttention(nn.Module):
        def __init__(self):
            super().__init__()
            self.mha = mha

        def forward(self, x):
            return self.mha(x, x, x, is_causal=True)

    check_module(SelfAttention(), R.normal(size=(3, 1, 4)))


@pytest.mark.parametrize("loss", [
    lambda x: F.cross_entropy(x, np.array([0, 2, 1]), label_smoothing=0.2, weight=np.array([1.0, 2.0, 0.5])),
    lambda x: F.cross_entropy(x, np.array([0, -100, 1])),
    lambda x: F.binary_cross_entropy_with_logits(x, np.full((3, 3), 0.3), pos_weight=np.array([2.0, 1, 0.5])),
    lambda x: F.binary_cross_entropy(x.sigmoid(), np.eye(3)),
    lambda x: F.multi_margin_loss(x, np.array([0, 2, 1]), p=2),
    lambda x: F.hinge_embedding_loss(x, np.array([[1, -1, 1], [-1, -1, 1], [1, 1, -1]])),
])
def test_loss_gradients_match_central_differences(loss):
    assert gradcheck(loss, Tensor(R.normal(size=(3, 3)) * 0.37 + 0.011, requires_grad=True))
