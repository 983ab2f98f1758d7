"""`tinygrad_edu.backends`, laid out as `torch.backends`: the switches PyTorch programs set or ask about.

Not to be confused with `tinygrad_edu.backend` (singular), which holds the array modules behind each
device. tinygrad_edu has no Apple Metal (MPS) array module, and runs no cuDNN kernels of its own, so
`mps.is_available()` is False and the cudnn flags are kept only so that programs setting them run.
"""


class _MPS:
    """Apple GPUs: not supported here (no Metal array module)."""

    @staticmethod
    def is_available() -> bool:
        return False

    @staticmethod
    def is_built() -> bool:
        return False


class _CuDNN:
    """cuDNN flags (benchmark, deterministic, ...): accepted and remembered, with no effect here,
    because tinygrad_edu's convolutions are its own (ops/conv.py) on every device."""

    enabled = True
    benchmark = False
    deterministic = False
    allow_tf32 = True

    @staticmethod
    def is_available() -> bool:
        return False


mps = _MPS()
cudnn = _CuDNN()
