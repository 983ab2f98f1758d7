"""`tinygrad_edu.autograd`, laid out as `torch.autograd`: Function, grad, backward, gradcheck and the
anomaly switches. The engine itself lives in tinygrad_edu/tensor/ (autograd.py, function.py)."""
from .tensor.autograd import backward, grad
from .tensor.function import Function, FunctionCtx
from .tensor.grad_mode import detect_anomaly, enable_grad, no_grad, set_detect_anomaly, set_grad_enabled
from .tensor.gradcheck import gradcheck

__all__ = ["Function", "FunctionCtx", "grad", "backward", "gradcheck", "detect_anomaly", "set_detect_anomaly",
           "no_grad", "enable_grad", "set_grad_enabled"]
