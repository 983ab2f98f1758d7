"""Every layer against its PyTorch 2.13 twin in float64: outputs, gradients and 10 training steps."""
import numpy as np
import pytest
import torch
from nn_parity import compare_module

from tinygrad_edu import nn
from tinygrad_edu.tensor import Tensor

R = np.random.default_rng(0)


def x(*shape):
    return R.normal(size=shape)


LAYERS = {
    "Linear": (lambda m: m.Linear(5, 3), [x(4, 5)]),
    "Linear-nobias-3d": (lambda m: m.Linear(5, 3, bias=False), [x(2, 4, 5)]),
    "Bilinear": (lambda m: m.Bilinear(4, 3, 2), [x(5, 4), x(5, 3)]),
    "Conv1d": (lambda m: m.Conv1d(3, 4, 3, stride=2, padding=1), [x(2, 3, 9)]),
    "Conv2d": (lambda m: m.Conv2d(2, 3, 3, padding=1), [x(2, 2, 6, 5)]),
    "Conv2d-groups-stride": (lambda m: m.Conv2d(4, 6, (3, 2), stride=2, groups=2), [x(2, 4, 7, 6)]),
    "MaxPool2d": (lambda m: m.MaxPool2d(2), [x(2, 3, 6, 4)]),
    "AvgPool2d": (lambda m: m.AvgPool2d(3, stride=2, padding=1), [x(2, 3, 7, 6)]),
    "AdaptiveAvgPool2d-even": (lambda m: m.AdaptiveAvgPool2d(2), [x(2, 3, 4, 6)]),
    "AdaptiveAvgPool2d-uneven": (lambda m: m.AdaptiveAvgPool2d((2, 3)), [x(2, 3, 5, 7)]),
    "BatchNorm1d": (lambda m: m.BatchNorm1d(4), [x(6, 4) * 3 + 1]),
    "BatchNorm1d-3d": (lambda m: m.BatchNorm1d(4, momentum=0.3), [x(5, 4, 3)]),
    "BatchNorm2d": (lambda m: m.BatchNorm2d(3), [x(4, 3, 5, 5) * 2 - 1]),
    "LayerNorm": (lambda m: m.LayerNorm(4), [x(3, 4) * 2 + 5]),
    "LayerNorm-2d": (lambda m: m.LayerNorm((3, 4), eps=1e-3), [x(2, 3, 4)]),
    "Flatten": (lambda m: m.Flatten(), [x(2, 3, 4, 5)]),
    "Identity": (lambda m: m.Identity(), [x(2, 3)]),
    "ReLU": (lambda m: m.ReLU(), [x(4, 5)]),
    "LeakyReLU": (lambda m: m.LeakyReLU(0.2), [x(4, 5)]),
    # tinygrad_edu's erf is a polynomial approximation good to ~1e-7
    "GELU": (lambda m: m.GELU(), [x(4, 5)], dict(rtol=1e-6, atol=2e-7)),
    "GELU-tanh": (lambda m: m.GELU(approximate="tanh"), [x(4, 5)]),
    "Tanh": (lambda m: m.Tanh(), [x(4, 5)]),
    "Sigmoid": (lambda m: m.Sigmoid(), [x(4, 5)]),
    "Softmax": (lambda m: m.Softmax(dim=0), [x(4, 5)]),
    "LogSoftmax": (lambda m: m.LogSoftmax(dim=1), [x(4, 5)]),
    "Embedding": (lambda m: m.Embedding(10, 4, padding_idx=0), [np.array([[0, 2, 9], [2, 2, 0]])]),
    "RNN": (lambda m: m.RNN(3, 5, num_layers=2), [x(6, 2, 3)]),
    "RNN-relu-batch_first": (lambda m: m.RNN(3, 4, nonlinearity="relu", batch_first=True), [x(2, 5, 3)],
                             dict(lr=0.002)),
    "RNN-unbatched-h0": (lambda m: m.RNN(3, 4), [x(5, 3), x(1, 4)]),
    "GRU-nobias": (lambda m: m.GRU(3, 4, bias=False), [x(5, 2, 3)]),
    "RNN-bidirectional": (lambda m: m.RNN(3, 4, num_layers=2, bidirectional=True), [x(5, 2, 3)]),
    "LSTM-bidirectional": (lambda m: m.LSTM(3, 4, bidirectional=True, batch_first=True), [x(2, 5, 3)]),
    "GRU-bidirectional-unbatched-h0": (lambda m: m.GRU(3, 4, num_layers=2, bidirectional=True),
                                       [x(5, 3), x(4, 4)]),
    "LSTM": (lambda m: m.LSTM(3, 4, num_layers=2, batch_first=True), [x(2, 5, 3)]),
    "GRU": (lambda m: m.GRU(3, 4, num_layers=2), [x(5, 2, 3), x(2, 2, 4)]),
    "MultiheadAttention": (lambda m: m.MultiheadAttention(8, 2), [x(5, 2, 8), x(6, 2, 8), x(6, 2, 8)]),
    "Sequential": (lambda m: m.Sequential(m.Linear(4, 8), m.Tanh(), m.Linear(8, 2)), [x(3, 4)]),
}


@pytest.mark.parametrize("name", list(LAYERS))
def test_layer_matches_pytorch(name):
    build, inputs, *options = LAYERS[name]
    compare_module(build(nn), build(torch.nn), *inputs, **(options[0] if options else {}))


def test_lstm_with_initial_state_matches_pytorch():
    h0, c0 = x(1, 2, 4), x(1, 2, 4)

    def call(module, seq, h, c):
        return module(seq, (h, c))

    compare_module(nn.LSTM(3, 4), torch.nn.LSTM(3, 4), x(5, 2, 3), h0, c0, call=call)


@pytest.mark.parametrize("masks", ["causal", "bool-causal+padding", "float-3d", "batch_first-no-avg"])
def test_multihead_attention_masks_match_pytorch(masks):
    L, N, E, H = 5, 2, 8, 2
    q = x(N, L, E) if masks.startswith("batch_first") else x(L, N, E)
    causal = np.triu(np.full((L, L), -np.inf), 1)
    padding = np.zeros((N, L), dtype=bool)
    padding[1, -2:] = True
    options = {
        "causal": dict(attn_mask=causal),
        "bool-causal+padding": dict(attn_mask=np.isinf(causal), key_padding_mask=padding),
        "float-3d": dict(attn_mask=x(N * H, L, L)),
        "batch_first-no-avg": dict(average_attn_weights=False),
    }[masks]
    batch_first = masks.startswith("batch_first")

    def call(module, a):
        convert = (lambda v: torch.tensor(v)) if isinstance(module, torch.nn.Module) else (lambda v: v)
        return module(a, a, a, **{k: convert(v) for k, v in options.items() if not isinstance(v, bool)},
                      **{k: v for k, v in options.items() if isinstance(v, bool)})

    compare_module(nn.MultiheadAttention(E, H, batch_first=batch_first),
                   torch.nn.MultiheadAttention(E, H, batch_first=batch_first), q, call=call)


def test_is_causal_without_mask_hides_the_future():
    mha = nn.MultiheadAttention(4, 1)
    q = Tensor(x(3, 1, 4))
    _, weights = mha(q, q, q, is_causal=True)
    assert np.allclose(np.triu(weights.array[0], 1), 0) and np.allclose(weights.array.sum(-1), 1)


def test_batchnorm_eval_uses_running_statistics():
    ours, theirs = nn.BatchNorm2d(3).double(), torch.nn.BatchNorm2d(3).double()
    data = x(4, 3, 2, 2) * 2 + 3
    for _ in range(3):
        ours(Tensor(data))
        theirs(torch.tensor(data))
    ours.eval()
    theirs.eval()
    expected = theirs(torch.tensor(data)).detach().numpy()
    np.testing.assert_allclose(ours(Tensor(data)).array, expected, rtol=1e-10)
    assert int(ours.num_batches_tracked.array) == 3


def test_dropout_zeroes_and_scales_in_training_only():
    drop = nn.Dropout(0.25)
    data = np.ones((200, 50))
    out = drop(Tensor(data)).array
    kept = out != 0
    assert 0.7 < kept.mean() < 0.8 and np.allclose(out[kept], 1 / 0.75)
    assert np.array_equal(drop.eval()(Tensor(data)).array, data)
    with pytest.raises(ValueError, match=r"Dropout: p must be in \[0, 1\], got 1.5"):
        nn.Dropout(1.5)


def test_default_initializations_have_pytorchs_ranges():
    import tinygrad_edu

    tinygrad_edu.manual_seed(0)
    lin = nn.Linear(100, 50)
    assert np.abs(lin.weight.array).max() <= 0.1 and np.abs(lin.weight.array).max() > 0.09
    assert lin.weight.array.dtype == np.float32
    conv = nn.Conv2d(3, 8, 3)
    assert np.abs(conv.weight.array).max() <= 1 / np.sqrt(27)
    rnn = nn.LSTM(3, 16)
    assert all(np.abs(p.array).max() <= 0.25 for p in rnn.parameters())
    emb = nn.Embedding(1000, 20)
    assert abs(emb.weight.array.std() - 1) < 0.05
    mha = nn.MultiheadAttention(8, 2)
    assert np.abs(mha.in_proj_weight.array).max() <= np.sqrt(6 / 32) and not mha.in_proj_bias.array.any()


def test_layers_reject_bad_inputs_with_clear_errors():
    with pytest.raises(ValueError, match=r"linear: input has 4 features \(shape \(2, 4\)\), weight expects"):
        nn.Linear(5, 3)(Tensor(x(2, 4)))
    with pytest.raises(ValueError, match=r"BatchNorm2d: expected input with \(4,\) dims and 3 channels"):
        nn.BatchNorm2d(3)(Tensor(x(2, 4, 3, 3)))
    with pytest.raises(ValueError, match=r"LSTM: expected input \(L, N, 3\)"):
        nn.LSTM(3, 4)(Tensor(x(5, 2, 2)))
    with pytest.raises(ValueError, match=r"GRU: expected initial state of shape \(1, 2, 4\), got"):
        nn.GRU(3, 4)(Tensor(x(5, 2, 3)), Tensor(x(1, 3, 4)))
    with pytest.raises(IndexError, match=r"embedding: indices must be in \[0, 10\), got values in \[0, 12\]"):
        nn.Embedding(10, 3)(np.array([0, 12]))
    with pytest.raises(ValueError, match="Conv2d: in_channels \\(3\\) and out_channels \\(4\\)"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match="embed_dim \\(6\\) must be divisible by num_heads \\(4\\)"):
        nn.MultiheadAttention(6, 4)


@pytest.mark.parametrize("mask", ["none", "causal", "bool", "float"])
def test_scaled_dot_product_attention_matches_pytorch(mask):
    q, k, v = x(2, 3, 4, 8), x(2, 3, 5, 8), x(2, 3, 5, 6)
    options = {"none": {}, "causal": dict(is_causal=True), "bool": dict(attn_mask=x(4, 5) > -1),
               "float": dict(attn_mask=x(4, 5), scale=0.3)}[mask]
    ours = [Tensor(a, requires_grad=True) for a in (q, k, v)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (q, k, v)]
    ref_options = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in options.items()}
    out = nn.functional.scaled_dot_product_attention(*ours, **options)
    ref = torch.nn.functional.scaled_dot_product_attention(*theirs, **ref_options)
    np.testing.assert_allclose(out.array, ref.detach().numpy(), rtol=1e-10, atol=1e-12)
    out.sum().backward()
    ref.sum().backward()
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.array, b.grad.numpy(), rtol=1e-9, atol=1e-12)
