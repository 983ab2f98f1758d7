"""`Parameter`: a Tensor that a Module registers as trainable when assigned as an attribute."""
from ..tensor import Tensor


class Parameter(Tensor):
    """A leaf Tensor with `requires_grad=True` by default; `module.w = Parameter(...)` registers it."""

    def __init__(self, data, requires_grad=True):
        super().__init__(data.array if isinstance(data, Tensor) else data, requires_grad=requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()
