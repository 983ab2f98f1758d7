"""`Optimizer`: parameter groups, per-parameter state, `zero_grad` and state dicts.

Subclasses only write `update(p, grad, group, state)`: the arithmetic of one step for one
parameter, on raw arrays, in place. That keeps each update rule as short as its formula in
the PyTorch documentation, which it matches step for step.
"""
import math
import numbers

from ..backend import xp_of
from ..errors import ShapeError
from ..tensor import Tensor, to_numpy
from ..tensor import core as _core


def zero_grads(params, set_to_none=True):
    """Forget gradients before the next backward: drop them (default) or fill them with zeros.

    Why it matters: backward *adds* into `.grad`, so without this each step would use the sum of
    every gradient so far.
    """
    for p in params:
        if p.grad is None:
            continue
        if set_to_none:
            p.grad = None
        else:
            p.grad.array[...] = 0


class Optimizer:
    """Base class. `params` is an iterable of Tensors or of dicts `{"params": [...], **overrides}`."""

    def __init__(self, params, defaults):
        self.defaults = dict(defaults)
        self.state = {}
        self.param_groups = []
        params = list(params)
        if not params:
            raise ValueError(f"{type(self).__name__}: got an empty parameter list")
        groups = params if isinstance(params[0], dict) else [{"params": params}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, group):
        """Add a dict with a "params" list; options it leaves out take the optimizer's defaults."""
        name = type(self).__name__
        if not isinstance(group, dict) or "params" not in group:
            raise TypeError(f"{name}: a param group must be a dict with a 'params' key, got {group!r}")
        params = group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"{name}: params must be Tensors, got {type(p).__name__}")
        first = {}
        for i, p in enumerate(params):
            if id(p) in first:  # it would be stepped twice (PyTorch warns; it will be an error there too)
                raise ValueError(f"{name}: parameter {i} of the param group is the same tensor as "
                                 f"parameter {first[id(p)]} (shape {p.shape}); pass each parameter once")
            first.setdefault(id(p), i)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError(f"{name}: a parameter appears in more than one param group")
        unknown = set(group) - set(self.defaults) - {"params"}
        if unknown:
            raise TypeError(f"{name}: unknown option(s) {sorted(unknown)}; expected {sorted(self.defaults)}")
        self.param_groups.append({**self.defaults, **group, "params": params})

    def zero_grad(self, set_to_none=True):
        zero_grads((p for group in self.param_groups for p in group["params"]), set_to_none)

    def step(self, closure=None):
        """Apply one update to every parameter that has a gradient; `closure` re-evaluates the loss."""
        loss = closure() if closure is not None else None
        if _core.recorder is not None:          # tracing a static graph: the update becomes graph nodes
            _core.recorder.optimizer_step(self)
            return loss
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state.setdefault(id(p), {})
                self.update(p.array, p.grad.array, group, state)
        return loss

    def update(self, param, grad, group, state):
        raise NotImplementedError(f"{type(self).__name__} must define update(param, grad, group, state)")

    def state_dict(self):
        """Plain data like PyTorch's: parameters become their index in group order."""
        index = {}
        groups = []
        for group in self.param_groups:
            ids = []
            for p in group["params"]:
                index.setdefault(id(p), len(index))
                ids.append(index[id(p)])
            groups.append({**{k: v for k, v in group.items() if k != "params"}, "params": ids})
        state = {index[pid]: {k: (v.copy() if hasattr(v, "copy") else v) for k, v in s.items()}
                 for pid, s in self.state.items() if pid in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restore options and per-parameter state. Every count, index, shape and dtype is checked
        against this optimizer first, so after an error it keeps every value it had."""
        where = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, dict) or set(state_dict) != {"state", "param_groups"}:
            raise ValueError(f"{where}: expected a dict with keys 'state' and 'param_groups'")
        saved_groups, saved_state = state_dict["param_groups"], state_dict["state"]
        if not isinstance(saved_groups, (list, tuple)) or not isinstance(saved_state, dict):
            raise ValueError(f"{where}: 'param_groups' must be a list and 'state' a dict")
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"{where}: the file has {len(saved_groups)} param groups, "
                             f"this optimizer has {len(self.param_groups)}")
        params = {}
        for i, (group, saved) in enumerate(zip(self.param_groups, saved_groups)):
            ids = saved.get("params") if isinstance(saved, dict) else None
            if not isinstance(ids, (list, tuple)) or not all(type(k) is int for k in ids):
                raise ValueError(f"{where}: param group {i} has no list of parameter indices")
            if len(ids) != len(group["params"]):
                raise ValueError(f"{where}: param group {i} holds {len(ids)} "
                                 f"parameters in the file and {len(group['params'])} here")
            for k, p in zip(ids, group["params"]):
                if k in params:
                    raise ValueError(f"{where}: parameter index {k} appears twice in the file")
                params[k] = p
        new_state = {}
        for key, saved in saved_state.items():
            if key not in params:
                raise ValueError(f"{where}: state for parameter {key!r} has no parameter here")
            new_state[id(params[key])] = _loaded_state(where, key, saved, params[key])
        for group, saved in zip(self.param_groups, saved_groups):  # all checked: nothing below can fail
            options = {k: tuple(v) if isinstance(v, list) else v for k, v in saved.items() if k != "params"}
            group.update(options)
        self.state = new_state

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params"]
        return "\n".join(lines + [")"])


def _loaded_state(where: str, key, saved, p: Tensor) -> dict:
    """One parameter's saved state, checked and converted to arrays like the parameter's."""
    if not isinstance(saved, dict):
        raise ValueError(f"{where}: state[{key}] must be a dict, got {type(saved).__name__}")
    xp, entry = xp_of(p.array), {}
    for k, v in saved.items():
        if isinstance(v, numbers.Real):
            entry[k] = v
            continue
        v = to_numpy(v)
        if v.dtype.kind not in "biuf":
            raise TypeError(f"{where}: state[{key}][{k!r}] holds dtype {v.dtype}, not numbers")
        if v.shape != p.array.shape:
            raise ShapeError(f"{where}: state[{key}][{k!r}] has shape {v.shape}, "
                             f"but parameter {key} has shape {p.array.shape}")
        entry[k] = xp.asarray(v, dtype=p.array.dtype).copy()
    return entry


def check_hyper(name, **values):
    """Reject negative or non-finite hyperparameters where they are given, as PyTorch does."""
    for key, value in values.items():
        if not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise ValueError(f"{name}: invalid {key} {value!r}: expected a finite number >= 0")
