"""Does a traced graph follow its inputs? Trace once more on changed inputs and compare.

A trace sees ops on tensors, nothing else. Code that computes on raw arrays (`t.array`, `t.numpy()`,
a loss that indexes with its target's array), random numbers drawn outside the graph (dropout masks)
and Python branches on values all end up as constants or as the branch taken, and the graph then
gives the traced numbers for any input. So `trace` runs the function a second time, on inputs that
differ (floats scaled by random factors, integers rolled along their first axis), and compares what
the graph computes with what the function computes: a difference is a `TracerWarning` naming the
value. Like torch.jit.trace's check_trace, it finds problems, it cannot prove their absence.
"""
import warnings

import numpy as np

from .. import backend
from ..tensor import Tensor


class TracerWarning(UserWarning):
    """The traced graph may not follow new inputs the way the Python function would."""


def changed(value, rng):
    """A different input of the same shape and dtype (or the same value, where nothing fits)."""
    data = value.array if isinstance(value, Tensor) else value
    if not (isinstance(value, (Tensor, np.ndarray)) or type(data) in backend.XP_BY_TYPE):
        return value
    host = backend.to_host(data)
    if host.dtype.kind == "f":
        moved = host * rng.uniform(0.5, 1.5, host.shape).astype(host.dtype) + \
            rng.normal(0, 0.1, host.shape).astype(host.dtype)
    elif host.ndim and host.shape[0] > 1:
        moved = np.roll(host, 1, axis=0)
    else:
        return value
    return Tensor(backend.to_device(moved, backend.device_of(data)))


def follows_inputs(g, args, record) -> bool:
    """Trace again with `record(changed args)` -> (graph, (outputs, new state)); warn where `g` differs."""
    rng = np.random.default_rng(1)
    moved = [changed(a, rng) for a in args]
    if all(m is a for m, a in zip(moved, args)):
        return True
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            again, (outputs, new_state) = record(moved)
        except Exception:                  # the function refuses these inputs: nothing to compare
            return True
    problems = []
    if [n.op for n in again.nodes] != [n.op for n in g.nodes]:
        problems.append("the function applied other ops for other inputs (a Python branch on a value?)")
    else:
        device = backend.device_of(outputs[0]) if outputs else "cpu"
        state = {k: v.copy() for k, v in g.state.items()}
        inputs = [m.array if isinstance(m, Tensor) else m for m in moved if _is_input(m)]
        got = g.plan(device).run(inputs, state)
        pairs = [(f"output {name!r}", a, b) for name, a, b in zip(g.outputs, got, outputs)]
        pairs += [(f"the update of {name!r}", state[name], new_state[name]) for name in new_state]
        problems += [f"{what} differs" for what, a, b in pairs if not _close(a, b)]
    if problems:
        warnings.warn(f"trace: the graph does not follow its inputs: on changed inputs "
                      f"{'; '.join(problems[:3])}. Something was computed outside the traced ops (raw "
                      ".array/.numpy() math, random numbers drawn outside the graph, a Python branch on a "
                      "value) and is fixed in the graph.", TracerWarning, stacklevel=4)
    return not problems


def _is_input(value) -> bool:
    return isinstance(value, (Tensor, np.ndarray)) or type(value) in backend.XP_BY_TYPE


def _close(a, b) -> bool:
    a, b = backend.to_host(np.asarray(a) if isinstance(a, np.generic) else a), backend.to_host(b)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-4, atol=1e-5, equal_nan=True))
