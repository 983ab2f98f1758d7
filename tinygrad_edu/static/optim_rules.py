"""Optimizer steps as graph nodes, so a whole training step is one static graph.

The dynamic optimizers update raw arrays in place (`param -= lr * g`), which no graph can record.
While tracing, `Optimizer.step()` hands over to `step_rule(opt)`: the same formulas written with
Tensor ops (so each becomes a node), in the same order, so the numbers match the dynamic step.
Optimizer buffers (momentum, Adam's moments, the step count) become graph state, updated each run.
`slot(key, initial)` returns a buffer's current value; the rule returns the new parameter and the new
value of each buffer. Hyperparameters (lr, betas...) are fixed when the graph is traced.
"""
import numpy as np

from ..tensor import maximum, where


def sgd(p, g, group, slot):
    """SGD with momentum, dampening, Nesterov and weight decay (torch.optim.SGD's formulas)."""
    new = {}
    if group["weight_decay"]:
        g = g + group["weight_decay"] * p
    momentum = group["momentum"]
    if momentum:
        buf = slot("momentum_buffer", np.zeros(p.shape, p.dtype))
        if group["dampening"]:          # the first step copies g; later ones damp it
            step = slot("step", np.zeros((), np.float64))
            buf = where(step == 0, g, buf * momentum + (1 - group["dampening"]) * g)
            new["step"] = step + 1
        else:                           # starting from zeros, the first step gives buf = g exactly
            buf = buf * momentum + g
        new["momentum_buffer"] = buf
        g = g + momentum * buf if group["nesterov"] else buf
    return p - group["lr"] * g, new


def adam(p, g, group, slot, decoupled=False):
    """Adam (and AdamW when `decoupled`): bias-corrected moments, optional amsgrad."""
    beta1, beta2 = group["betas"]
    lr, eps, decay = group["lr"], group["eps"], group["weight_decay"]
    step = slot("step", np.zeros((), np.float64)) + 1
    if decoupled:
        p = p * (1 - lr * decay)
    elif decay:
        g = g + decay * p
    m = slot("exp_avg", np.zeros(p.shape, p.dtype))
    v = slot("exp_avg_sq", np.zeros(p.shape, p.dtype))
    m = m + (1 - beta1) * (g - m)
    v = v * beta2 + (1 - beta2) * g * g
    new = {"step": step, "exp_avg": m, "exp_avg_sq": v}
    if group["amsgrad"]:
        v = new["max_exp_avg_sq"] = maximum(slot("max_exp_avg_sq", np.zeros(p.shape, p.dtype)), v)
    step_size = (lr / (1 - beta1 ** step)).to(p.dtype)
    denom = v.sqrt() / (1 - beta2 ** step).sqrt().to(p.dtype) + eps
    return p - step_size * m / denom, new


RULES = {"SGD": sgd, "Adam": adam, "AdamW": lambda p, g, group, slot: adam(p, g, group, slot, True)}


def step_rule(opt):
    """The graph rule for `opt`'s class (looked up by name along its classes, so static needs no import
    of optim), refusing an optimizer whose own `update` differs from the one the rule copies."""
    for cls in type(opt).__mro__:
        rule = RULES.get(cls.__name__)
        if rule is not None:
            if type(opt).update is not cls.update:
                break
            return rule
    raise NotImplementedError(f"trace: {type(opt).__name__}.step() has no static-graph rule (rules exist for "
                              f"{', '.join(RULES)}); call it outside the traced function")
