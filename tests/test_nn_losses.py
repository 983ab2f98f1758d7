"""Losses against PyTorch 2.13 in float64: values and input gradients, every reduction and option."""
import numpy as np
import pytest
import torch
import torch.nn.functional as TF

from tinygrad_edu import nn
from tinygrad_edu.nn import functional as F
from tinygrad_edu.tensor import Tensor

R = np.random.default_rng(0)
LOGITS = R.normal(size=(6, 4)) * 2
LABELS = np.array([0, 3, 1, 1, 2, 3])
WEIGHT = np.array([0.5, 2.0, 1.0, 1.5])
PROBS = np.exp(R.normal(size=(6, 4)))
PROBS /= PROBS.sum(1, keepdims=True)
IMAGE_LOGITS, IMAGE_LABELS = R.normal(size=(2, 4, 3, 3)), R.integers(0, 4, size=(2, 3, 3))
P01, Y01 = 1 / (1 + np.exp(-R.normal(size=(5, 3)))), R.integers(0, 2, size=(5, 3)).astype(np.float64)
PM1 = np.where(R.random(size=(5, 3)) < 0.5, -1.0, 1.0)


def _labels_with_ignored():
    labels = LABELS.copy()
    labels[[1, 4]] = -100
    return labels


CASES = [
    ("mse", nn.MSELoss, torch.nn.MSELoss, {}, LOGITS, R.normal(size=(6, 4))),
    ("l1", nn.L1Loss, torch.nn.L1Loss, {}, LOGITS, R.normal(size=(6, 4))),
    ("ce", nn.CrossEntropyLoss, torch.nn.CrossEntropyLoss, {}, LOGITS, LABELS),
    ("ce-weight-smooth", nn.CrossEntropyLoss, torch.nn.CrossEntropyLoss,
     dict(weight=WEIGHT, label_smoothing=0.2), LOGITS, LABELS),
    ("ce-ignore-smooth", nn.CrossEntropyLoss, torch.nn.CrossEntropyLoss,
     dict(ignore_index=-100, label_smoothing=0.1, weight=WEIGHT), LOGITS, _labels_with_ignored()),
    ("ce-probs", nn.CrossEntropyLoss, torch.nn.CrossEntropyLoss, dict(label_smoothing=0.3), LOGITS, PROBS),
    ("ce-probs-weight", nn.CrossEntropyLoss, torch.nn.CrossEntropyLoss, dict(weight=WEIGHT), LOGITS, PROBS),
    ("ce-image", nn.CrossEntropyLoss, torch.nn.CrossEntropyLoss, dict(label_smoothing=0.1),
     IMAGE_LOGITS, IMAGE_LABELS),
    ("nll", nn.NLLLoss, torch.nn.NLLLoss, dict(weight=WEIGHT), LOGITS, LABELS),
    ("nll-ignore", nn.NLLLoss, torch.nn.NLLLoss, dict(ignore_index=3), LOGITS, LABELS),
    ("bce", nn.BCELoss, torch.nn.BCELoss, dict(weight=R.random(size=(5, 3))), P01, Y01),
    ("bce-logits", nn.BCEWithLogitsLoss, torch.nn.BCEWithLogitsLoss, {}, R.normal(size=(5, 3)) * 30, Y01),
    ("bce-logits-pos", nn.BCEWithLogitsLoss, torch.nn.BCEWithLogitsLoss,
     dict(pos_weight=np.array([1.0, 3.0, 0.5]), weight=R.random(size=(5, 3))), R.normal(size=(5, 3)), Y01),
    ("hinge-embedding", nn.HingeEmbeddingLoss, torch.nn.HingeEmbeddingLoss, dict(margin=0.7),
     R.normal(size=(5, 3)), PM1),
    ("multi-margin", nn.MultiMarginLoss, torch.nn.MultiMarginLoss, {}, LOGITS, LABELS),
    ("multi-margin-p2-weight", nn.MultiMarginLoss, torch.nn.MultiMarginLoss,
     dict(p=2, margin=0.5, weight=WEIGHT), LOGITS, LABELS),
]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_loss_matches_pytorch(case, reduction):
    _, ours_cls, torch_cls, options, inputs, target = case
    torch_options = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in options.items()}
    x = Tensor(inputs, requires_grad=True)
    tx = torch.tensor(inputs, requires_grad=True)
    out = ours_cls(reduction=reduction, **options)(x, target)
    ref = torch_cls(reduction=reduction, **torch_options)(tx, torch.tensor(target))
    np.testing.assert_allclose(out.array, ref.detach().numpy(), rtol=1e-10, atol=1e-12)
    projection = R.normal(size=ref.shape)
    (out * Tensor(projection)).sum().backward()
    (ref * torch.tensor(projection)).sum().backward()
    np.testing.assert_allclose(x.grad.array, tx.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_bce_with_logits_is_stable_for_huge_logits():
    logits = Tensor(np.array([1000.0, -1000.0]), requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(logits, np.array([0.0, 1.0]), reduction="sum")
    loss.backward()
    assert loss.array == 2000.0 and np.allclose(logits.grad.array, [1.0, -1.0])
    ref = TF.binary_cross_entropy_with_logits(torch.tensor([1000.0, -1000.0]), torch.tensor([0.0, 1.0]),
                                              reduction="sum")
    assert ref.item() == 2000.0


def test_micrograd_max_margin_is_multi_margin_on_two_scores():
    scores, y = R.normal(size=5), np.where(R.random(5) < 0.5, -1.0, 1.0)
    pairs = Tensor(np.stack([-scores / 2, scores / 2], axis=1))
    ours = F.multi_margin_loss(pairs, (y > 0).astype(np.int64), reduction="sum")
    assert float(ours.array) == pytest.approx(np.maximum(0, 1 - y * scores).sum() / 2)


def test_losses_reject_bad_arguments():
    x = Tensor(LOGITS)
    with pytest.raises(ValueError, match="cross_entropy: reduction must be one of .*got 'avg'"):
        F.cross_entropy(x, LABELS, reduction="avg")
    with pytest.raises(ValueError, match=r"target of shape \(5,\) does not fit input of shape \(6, 4\)"):
        F.cross_entropy(x, LABELS[:5])
    with pytest.raises(IndexError, match=r"nll_loss: target values must be in \[0, 4\)"):
        F.nll_loss(x, LABELS + 1)
    with pytest.raises(TypeError, match="class-index targets must be integers, got dtype bool"):
        F.cross_entropy(x, LABELS > 1)
    with pytest.raises(ValueError, match=r"mse_loss: input and target must have the same shape, got \(6, 4\) "
                                         r"and \(4,\)"):
        F.mse_loss(x, np.zeros(4))
    with pytest.raises(ValueError, match="binary_cross_entropy: input must hold probabilities"):
        F.binary_cross_entropy(x, np.zeros((6, 4)))
    with pytest.raises(ValueError, match="label_smoothing must be in"):
        F.cross_entropy(x, LABELS, label_smoothing=1.5)
    with pytest.raises(ValueError, match="MSELoss: reduction must be one of"):
        nn.MSELoss(reduction="max")
