"""Jupyter widgets (anywidget): the Python halves; the browser halves live in the top-level `widgets/`."""
from .graph_animator import GraphAnimator
from .optimizer_race import OptimizerRace
from .playground import Playground

__all__ = ["GraphAnimator", "Playground", "OptimizerRace"]
