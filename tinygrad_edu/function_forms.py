"""Function forms of Tensor methods: `tinygrad_edu.exp(x)` is `x.exp()`, as `torch.exp(x)` is in PyTorch.

Why: PyTorch code (and so lesson code ported from it) writes both `torch.sum(x, dim=1)` and
`x.sum(dim=1)`. Each function here forwards to the method of the same name, so there is one
implementation; a non-Tensor first argument is turned into a tensor first.
"""
from .tensor import Tensor

NAMES = (
    "abs", "amax", "amin", "argmax", "argmin", "clamp", "clip", "cos", "exp", "flatten", "flip", "log",
    "log_softmax", "logsumexp", "max", "mean", "min", "permute", "relu", "reshape", "sigmoid", "sign", "sin",
    "softmax", "sqrt", "square", "squeeze", "std", "sum", "tanh", "transpose", "unsqueeze", "var",
    "index_select", "masked_fill", "repeat", "all", "any",
)


def _function_form(name: str):
    def function(input, *args, **kwargs):
        tensor = input if isinstance(input, Tensor) else Tensor(input)
        return getattr(tensor, name)(*args, **kwargs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"tinygrad_edu.{name}(x, ...) is x.{name}(...) (see Tensor.{name})."
    return function


globals().update({name: _function_form(name) for name in NAMES})
