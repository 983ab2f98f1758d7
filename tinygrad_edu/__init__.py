"""tinygrad_edu: a small deep learning framework for teaching how deep learning frameworks work."""
from .scope import name_scope
from .scalar import Value

__all__ = ["Value", "name_scope"]
