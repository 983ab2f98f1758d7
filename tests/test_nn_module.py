"""Module bookkeeping: registration, traversal, modes, state dicts, devices, scopes, hooks, repr."""
from collections import OrderedDict

import numpy as np
import pytest
import torch

import tinygrad_edu
from tinygrad_edu import nn
from tinygrad_edu.tensor import Tensor


class TwoLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(3, 4)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(4, 2)
        self.bn = nn.BatchNorm1d(2)
        self.scale = nn.Parameter(np.ones(1, dtype=np.float32))
        self.note = "not a parameter"

    def forward(self, x):
        return self.bn(self.fc2(self.act(self.fc1(x)))) * self.scale


def test_registration_and_traversal_match_pytorch_names():
    model = TwoLayer()
    names = [n for n, _ in model.named_parameters()]
    assert names == ["scale", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "bn.weight", "bn.bias"]
    assert [n for n, _ in model.named_buffers()] == ["bn.running_mean", "bn.running_var",
                                                     "bn.num_batches_tracked"]
    assert [n for n, _ in model.named_modules()] == ["", "fc1", "act", "fc2", "bn"]
    assert list(model.children())[0] is model.fc1 and model.note == "not a parameter"
    assert list(model.state_dict()) == names + ["bn.running_mean", "bn.running_var", "bn.num_batches_tracked"]
    shared = nn.Linear(2, 2)
    tied = nn.Sequential(shared, shared)
    assert len(list(tied.parameters())) == 2  # each tensor once
    del model.fc2
    assert "fc2.weight" not in dict(model.named_parameters())


def test_state_dict_keys_match_pytorch_layers():
    for ours, theirs in [(nn.LSTM(3, 4, num_layers=2), torch.nn.LSTM(3, 4, num_layers=2)),
                         (nn.GRU(3, 4, 2, bidirectional=True), torch.nn.GRU(3, 4, 2, bidirectional=True)),
                         (nn.MultiheadAttention(4, 2), torch.nn.MultiheadAttention(4, 2)),
                         (nn.BatchNorm2d(3), torch.nn.BatchNorm2d(3)),
                         (nn.Sequential(nn.Conv2d(1, 2, 3), nn.Flatten()),
                          torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.Flatten()))]:
        assert list(ours.state_dict()) == list(theirs.state_dict())
        assert [tuple(v.shape) for v in ours.state_dict().values()] == \
            [tuple(v.shape) for v in theirs.state_dict().values()]


def test_load_state_dict_checks_keys_and_shapes():
    model, other = TwoLayer(), TwoLayer()
    model.load_state_dict(other.state_dict())
    np.testing.assert_array_equal(model.fc1.weight.array, other.fc1.weight.array)
    assert model.fc1.weight.array is not other.fc1.weight.array  # copied, not aliased
    state = OrderedDict(other.state_dict())
    state["fc2.weight"] = np.zeros((3, 4))
    with pytest.raises(ValueError, match=r"size mismatch for 'fc2.weight': the checkpoint has shape "
                                         r"\(3, 4\), this model has \(2, 4\)"):
        model.load_state_dict(state)
    state = OrderedDict(other.state_dict())
    del state["fc1.bias"]
    state["extra"] = np.zeros(1)
    with pytest.raises(KeyError, match=r"missing keys \['fc1.bias'\], unexpected keys \['extra'\]"):
        model.load_state_dict(state)
    result = model.load_state_dict(state, strict=False)
    assert result.missing_keys == ["fc1.bias"] and result.unexpected_keys == ["extra"]


def test_train_eval_zero_grad_and_dtype():
    model = TwoLayer()
    assert model.training and model.bn.training
    model.eval()
    assert not model.training and not model.bn.training
    model.train()
    out = model(Tensor(np.random.default_rng(0).normal(size=(5, 3)).astype(np.float32)))
    out.sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.array.any() for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())
    assert model.double().fc1.weight.array.dtype == np.float64
    assert model.bn.num_batches_tracked.array.dtype == np.int64  # integers are not cast
    assert model.to("cpu") is model
    with pytest.raises(ValueError, match="unknown device 'tpu'"):
        model.to("tpu")


def test_module_calls_open_name_scopes():
    model = nn.Sequential(OrderedDict(hidden=nn.Linear(2, 3), act=nn.Tanh()), )
    model.append(nn.Linear(3, 1))
    out = model(Tensor(np.ones((1, 2), dtype=np.float32)))
    assert out._scope == ("Sequential", "Linear2")
    assert out._parents[0]._parents[0]._scope == ("Sequential", "act")
    nested = TwoLayer()
    y = nested.fc1(Tensor(np.ones((1, 3), dtype=np.float32)))
    assert y._scope == ("fc1",)


def test_forward_hooks_can_observe_and_replace():
    layer = nn.Linear(2, 2)
    seen = []
    handle = layer.register_forward_hook(lambda m, inputs, out: seen.append(out.shape))
    layer(Tensor(np.ones((3, 2), dtype=np.float32)))
    handle.remove()
    layer(Tensor(np.ones((3, 2), dtype=np.float32)))
    assert seen == [(3, 2)]
    layer.register_forward_hook(lambda m, inputs, out: out * 0)
    assert not layer(Tensor(np.ones((1, 2), dtype=np.float32))).array.any()


def test_repr_is_a_readable_tree_like_pytorch():
    model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(16, 10))
    ref = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU(), torch.nn.Flatten(),
                              torch.nn.Linear(16, 10))
    assert repr(model) == repr(ref)
    assert repr(nn.LayerNorm(4)) == repr(torch.nn.LayerNorm(4))
    assert repr(nn.BatchNorm2d(3)) == repr(torch.nn.BatchNorm2d(3))


def test_containers():
    blocks = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    assert len(blocks) == 3 and len(list(blocks.parameters())) == 6 and isinstance(blocks[1:], nn.ModuleList)
    heads = nn.ModuleDict({"a": nn.Linear(2, 1), "b": nn.Linear(2, 3)})
    assert list(heads) == ["a", "b"] and "a" in heads and heads["b"].out_features == 3
    assert [n for n, _ in heads.named_parameters()] == ["a.weight", "a.bias", "b.weight", "b.bias"]
    seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert len(seq[:2]) == 2 and isinstance(seq[-1], nn.Linear)
    with pytest.raises(TypeError, match="Sequential: expected Module instances, got int for '0'"):
        nn.Sequential(3)
    with pytest.raises(KeyError, match=r"ModuleDict: no module named 'c'; have \['a', 'b'\]"):
        heads["c"]
    with pytest.raises(KeyError, match="ModuleDict: keys must be non-empty strings .* got 'a.b'"):
        heads["a.b"] = nn.ReLU()
    with pytest.raises(TypeError, match="ModuleList: expected a Module, got str"):
        blocks.append("x")
    with pytest.raises(AttributeError, match="'ModuleDict' object has no attribute 'zzz'"):
        _ = heads.zzz


def test_init_functions_follow_their_formulas():
    tinygrad_edu.manual_seed(0)
    w = nn.Parameter(np.zeros((200, 300), dtype=np.float64))
    nn.init.xavier_uniform_(w)
    assert np.abs(w.array).max() <= np.sqrt(6 / 500) and abs(w.array.std() - np.sqrt(2 / 500)) < 2e-3
    nn.init.kaiming_normal_(w, nonlinearity="relu")
    assert abs(w.array.std() - np.sqrt(2 / 300)) < 2e-3
    nn.init.kaiming_uniform_(w, mode="fan_out", nonlinearity="relu")
    assert np.abs(w.array).max() <= np.sqrt(6 / 200)
    nn.init.xavier_normal_(w, gain=nn.init.calculate_gain("tanh"))
    assert abs(w.array.std() - 5 / 3 * np.sqrt(2 / 500)) < 3e-3
    expected_gain = torch.nn.init.calculate_gain("leaky_relu", 0.2)
    assert nn.init.calculate_gain("leaky_relu", 0.2) == pytest.approx(expected_gain)
    with pytest.raises(ValueError, match=r"at least 2 dimensions, got shape \(3,\)"):
        nn.init.xavier_uniform_(nn.Parameter(np.zeros(3)))
    with pytest.raises(ValueError, match="calculate_gain: unknown nonlinearity 'swish'"):
        nn.init.calculate_gain("swish")


def test_clip_grad_norm_is_reachable_from_nn_utils():
    layer = nn.Linear(2, 2)
    layer(Tensor(np.full((1, 2), 100.0, dtype=np.float32))).sum().backward()
    total = nn.utils.clip_grad_norm_(layer.parameters(), 1.0)
    norm = np.sqrt(sum((p.grad.array.astype(np.float64) ** 2).sum() for p in layer.parameters()))
    assert float(total.array) > 1.0 and norm == pytest.approx(1.0, rel=1e-5)


def test_conv_repr_matches_pytorch():
    for args, kwargs in [((1, 4, 3), {}), ((2, 4, (3, 2)), dict(stride=2, padding=1, groups=2, bias=False)),
                         ((2, 4, 3), dict(dilation=2, padding="same"))]:
        assert repr(nn.Conv2d(*args, **kwargs)) == repr(torch.nn.Conv2d(*args, **kwargs))
    assert repr(nn.Conv1d(2, 3, 5, stride=2)) == repr(torch.nn.Conv1d(2, 3, 5, stride=2))


def test_training_step_and_checkpoint_on_a_non_numpy_device(tmp_path):
    """The strict test backend refuses implicit NumPy conversion, as CuPy does: nn, optim, data,
    clipping and checkpoints must all keep arrays on the model's device."""
    from tinygrad_edu import data, optim

    tinygrad_edu.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2)).to("strict")
    opt = optim.Adam(model.parameters(), lr=0.1)
    X = np.random.default_rng(0).normal(size=(8, 3)).astype(np.float32)
    loader = data.DataLoader(data.TensorDataset(X, np.arange(8) % 2), batch_size=4, device="strict")
    for xb, yb in loader:
        assert xb.device == "strict"
        loss = nn.functional.cross_entropy(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        assert nn.utils.clip_grad_norm_(model.parameters(), 0.5).device == "strict"
        opt.step()
    tinygrad_edu.save({"model": model.state_dict(), "opt": opt.state_dict()}, tmp_path / "m.ckpt")
    checkpoint = tinygrad_edu.load(tmp_path / "m.ckpt")
    fresh = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2)).to("strict")
    fresh.load_state_dict(checkpoint["model"])
    fresh_opt = optim.Adam(fresh.parameters(), lr=0.1)
    fresh_opt.load_state_dict(checkpoint["opt"])
    assert fresh[0].weight.device == "strict"
    assert all(type(v) is type(fresh[0].weight.array) for s in fresh_opt.state.values() for v in s.values()
               if not isinstance(v, int))
    np.testing.assert_array_equal(fresh[0].weight.numpy(), model[0].weight.numpy())


@pytest.mark.parametrize("build", [
    lambda m: m.LSTM(3, 4), lambda m: m.GRU(3, 4, num_layers=2, batch_first=True, bias=False),
    lambda m: m.LSTM(3, 4, bidirectional=True),
    lambda m: m.RNN(2, 3, nonlinearity="relu", dropout=0.5, num_layers=2), lambda m: m.MaxPool2d(2),
    lambda m: m.MaxPool2d(3, stride=1, padding=1, ceil_mode=True), lambda m: m.AvgPool2d(2),
    lambda m: m.AdaptiveAvgPool2d((2, 3)), lambda m: m.Embedding(10, 4, padding_idx=0),
    lambda m: m.Bilinear(4, 3, 2), lambda m: m.LeakyReLU(0.2), lambda m: m.GELU(approximate="tanh"),
    lambda m: m.Softmax(dim=1), lambda m: m.LogSoftmax(dim=-1), lambda m: m.BatchNorm1d(4, affine=False),
    lambda m: m.Identity(), lambda m: m.Tanh(), lambda m: m.Sigmoid(),
])
def test_layer_reprs_match_pytorch(build):
    assert repr(build(nn)) == repr(build(torch.nn))


def test_layers_and_losses_stay_on_the_strict_device():
    def strict(*shape):
        return Tensor(np.random.default_rng(0).normal(size=shape).astype(np.float32), device="strict",
                      requires_grad=True)

    q = strict(3, 1, 4)
    outputs = [
        nn.Embedding(5, 3).to("strict")(np.array([1, 2])),
        nn.LSTM(4, 3, bidirectional=True).to("strict")(q)[0],
        nn.GRU(4, 3).to("strict")(q)[1],
        nn.MultiheadAttention(4, 2).to("strict")(q, q, q, is_causal=True)[0],
        nn.AdaptiveAvgPool2d((2, 3)).to("strict")(strict(1, 1, 5, 7)),
        nn.Conv1d(1, 2, 3).to("strict")(strict(1, 1, 6)),
        nn.LayerNorm(4).to("strict")(q),
        nn.functional.cross_entropy(strict(3, 4), np.array([0, 1, 2]), label_smoothing=0.1),
        nn.functional.binary_cross_entropy_with_logits(strict(3, 4), np.ones((3, 4), dtype=np.float32)),
        nn.functional.multi_margin_loss(strict(3, 4), np.array([0, 1, 2])),
    ]
    for out in outputs:
        assert out.device == "strict"
        out.sum().backward()
