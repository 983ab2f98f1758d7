"""`jit(fn)`: trace on the first call, then run the graph; a new input signature traces again.

The signature is, per argument, (shape, dtype, device) for tensors and the value itself for anything
else (numbers and strings are baked into the graph). The graph is optimized once after tracing. It is
traced again if a parameter's array has been replaced since (model.to(...)), or if an optimizer the
function uses has other hyperparameters than when it was traced (a learning-rate scheduler's step).
"""
import functools

from .. import backend
from ..tensor import Tensor
from .trace import _named_state, input_names, is_tensor_like, optimizers_of, run_traced


def _signature(args) -> tuple:
    key: list = []
    for a in args:
        if is_tensor_like(a):
            data = a.array if isinstance(a, Tensor) else a
            key.append(("tensor", tuple(data.shape), str(data.dtype), backend.device_of(data)))
        else:
            key.append(("value", type(a).__name__, repr(a)))
    return tuple(key)


class jit:
    """Wrap `fn` (a function or nn.Module): calls run a cached static graph per input signature.
    `graphs` maps each signature to its (optimized) graph; `optimize=False` keeps traced graphs as is."""

    def __init__(self, fn, optimize: bool = True):
        self.fn, self.optimize = fn, optimize
        self.graphs: dict = {}
        self._bound: dict = {}
        self._hyper: dict = {}
        functools.update_wrapper(self, fn, updated=())

    def __call__(self, *args):
        key = _signature(args)
        g = self.graphs.get(key)
        if g is None or any(t.array is not g.state[name] for name, t in self._bound[key]) \
                or self._hyper[key] != _hyperparameters(self.fn):
            g = self._trace(key, args)
        return g(*[a for a in args if is_tensor_like(a)])

    def _trace(self, key, args):
        names = _named_state(self.fn, args)
        g = run_traced(self.fn, args, input_names(self.fn, len(args)), names)
        if self.optimize:
            g, _ = g.optimize()
        self.graphs[key] = g
        self._bound[key] = [(name, t) for name, t in names.values() if name in g.state]
        self._hyper[key] = _hyperparameters(self.fn)
        return g


def _hyperparameters(fn) -> list:
    """Every param group's options of the optimizers fn uses, as plain comparable data."""
    return [[sorted((k, repr(v)) for k, v in group.items() if k != "params") for group in opt.param_groups]
            for opt in optimizers_of(fn)]
