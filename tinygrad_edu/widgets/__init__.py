"""Jupyter widgets (anywidget): the Python halves; the browser halves live in the top-level `widgets/`."""
from .graph_animator import GraphAnimator

__all__ = ["GraphAnimator"]
