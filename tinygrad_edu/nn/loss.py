"""Losses as modules: each stores its options and calls the function of the same name."""
from . import losses
from .module import Module


class _Loss(Module):
    function = None

    def __init__(self, reduction="mean", **options):
        super().__init__()
        losses.check_reduction(type(self).__name__, reduction)
        self.options = dict(options, reduction=reduction)

    def forward(self, input, target):
        return type(self).function(input, target, **self.options)

    def extra_repr(self):
        return ", ".join(f"{k}={v!r}" for k, v in self.options.items() if k != "weight")


class MSELoss(_Loss):
    function = losses.mse_loss


class L1Loss(_Loss):
    function = losses.l1_loss


class CrossEntropyLoss(_Loss):
    function = losses.cross_entropy

    def __init__(self, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
        super().__init__(reduction, weight=weight, ignore_index=ignore_index, label_smoothing=label_smoothing)


class NLLLoss(_Loss):
    function = losses.nll_loss

    def __init__(self, weight=None, ignore_index=-100, reduction="mean"):
        super().__init__(reduction, weight=weight, ignore_index=ignore_index)


class BCELoss(_Loss):
    function = losses.binary_cross_entropy

    def __init__(self, weight=None, reduction="mean"):
        super().__init__(reduction, weight=weight)


class BCEWithLogitsLoss(_Loss):
    function = losses.binary_cross_entropy_with_logits

    def __init__(self, weight=None, reduction="mean", pos_weight=None):
        super().__init__(reduction, weight=weight, pos_weight=pos_weight)


class HingeEmbeddingLoss(_Loss):
    function = losses.hinge_embedding_loss

    def __init__(self, margin=1.0, reduction="mean"):
        super().__init__(reduction, margin=margin)


class MultiMarginLoss(_Loss):
    function = losses.multi_margin_loss

    def __init__(self, p=1, margin=1.0, weight=None, reduction="mean"):
        super().__init__(reduction, p=p, margin=margin, weight=weight)
