"""Optimizers and schedulers against PyTorch 2.13, step for step, in float64."""
import numpy as np
import pytest
import torch

from tinygrad_edu import optim
from tinygrad_edu.optim import lr_scheduler
from tinygrad_edu.tensor import Tensor

SHAPES = [(3, 4), (4,)]


def _grads(arrays, step):
    """A gradient that depends on the current parameters, so diverging parameters show up."""
    return [np.sin(3 * a) + 0.1 * step * a ** 2 - 0.05 for a in arrays]


def _make_params(seed=0):
    rng = np.random.default_rng(seed)
    arrays = [rng.normal(size=s) for s in SHAPES]
    ours = [Tensor(a.copy(), requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a.copy(), requires_grad=True) for a in arrays]
    return ours, theirs


def _run(opt_ours, opt_torch, ours, theirs, steps, sched=None):
    for step in range(steps):
        for p, q, g in zip(ours, theirs, _grads([q.detach().numpy() for q in theirs], step)):
            p.grad = Tensor(g.copy())
            q.grad = torch.tensor(g.copy())
        opt_ours.step()
        opt_torch.step()
        if sched is not None:
            sched[0].step()
            sched[1].step()
            assert sched[0].get_last_lr() == pytest.approx(sched[1].get_last_lr(), rel=1e-12, abs=1e-15)
        for p, q in zip(ours, theirs):
            np.testing.assert_allclose(p.array, q.detach().numpy(), rtol=1e-12, atol=1e-13)


OPTIMIZERS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.5, weight_decay=0.01)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.2, eps=1e-6)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, weight_decay=0.1, momentum=0.8)),
    ("RMSprop", dict(lr=0.01, centered=True)),
    ("RMSprop", dict(lr=0.01, centered=True, momentum=0.5, eps=1e-4)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.1, eps=1e-6)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, weight_decay=0.3, amsgrad=True)),
    ("Adadelta", {}),
    ("Adadelta", dict(lr=0.5, rho=0.8, eps=1e-4, weight_decay=0.1)),
]


@pytest.mark.parametrize("name, options", OPTIMIZERS, ids=[f"{n}-{o}" for n, o in OPTIMIZERS])
def test_ten_steps_match_pytorch(name, options):
    ours, theirs = _make_params()
    opt, ref = getattr(optim, name)(ours, **options), getattr(torch.optim, name)(theirs, **options)
    _run(opt, ref, ours, theirs, 10)


def test_param_groups_with_their_own_options():
    ours, theirs = _make_params()
    second = {"lr": 0.5, "momentum": 0.5}
    opt = optim.SGD([{"params": [ours[0]]}, {"params": [ours[1]], **second}], lr=0.1)
    ref = torch.optim.SGD([{"params": [theirs[0]]}, {"params": [theirs[1]], **second}], lr=0.1)
    assert opt.param_groups[1]["lr"] == 0.5 and opt.param_groups[0]["momentum"] == 0.0
    _run(opt, ref, ours, theirs, 10)


@pytest.mark.parametrize("name, options", [("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)),
                                           ("RMSprop", dict(centered=True, momentum=0.5)),
                                           ("Adam", dict(lr=0.01, amsgrad=True)), ("Adagrad", {}),
                                           ("Adadelta", dict(rho=0.5))])
def test_state_dict_resumes_exactly(name, options):
    straight, _ = _make_params()
    resumed, _ = _make_params()

    def steps(opt, params, first, count):
        for step in range(first, first + count):
            for p, g in zip(params, _grads([p.array for p in params], step)):
                p.grad = Tensor(g)
            opt.step()

    opt = getattr(optim, name)(straight, **options)
    steps(opt, straight, 0, 10)
    half = getattr(optim, name)(resumed, **options)
    steps(half, resumed, 0, 5)
    saved = half.state_dict()
    fresh = getattr(optim, name)(resumed, **options)
    fresh.load_state_dict(saved)
    steps(fresh, resumed, 5, 5)
    for a, b in zip(straight, resumed):
        np.testing.assert_array_equal(a.array, b.array)


def test_load_state_dict_names_mismatches():
    ours, _ = _make_params()
    opt = optim.Adam(ours)
    for p in ours:
        p.grad = Tensor(np.ones_like(p.array))
    opt.step()
    saved = opt.state_dict()
    saved["state"][1]["exp_avg"] = np.zeros((5,))
    with pytest.raises(ValueError, match=r"state\[1\]\['exp_avg'\] has shape \(5,\).*shape \(4,\)"):
        optim.Adam(ours).load_state_dict(saved)
    with pytest.raises(ValueError, match="param group 0 holds 2 parameters in the file and 1 here"):
        optim.Adam(ours[:1]).load_state_dict(opt.state_dict())
    with pytest.raises(ValueError, match="expected a dict with keys 'state' and 'param_groups'"):
        optim.Adam(ours).load_state_dict({"state": {}})


def test_zero_grad_and_argument_errors():
    ours, _ = _make_params()
    opt = optim.SGD(ours, lr=0.1)
    for p in ours:
        p.grad = Tensor(np.ones_like(p.array))
    opt.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.array.any() for p in ours)
    opt.zero_grad()
    assert all(p.grad is None for p in ours)
    opt.step()  # no gradients: nothing moves, nothing breaks
    with pytest.raises(ValueError, match="SGD: invalid lr -1"):
        optim.SGD(ours, lr=-1)
    with pytest.raises(ValueError, match="SGD: nesterov needs momentum > 0"):
        optim.SGD(ours, nesterov=True)
    with pytest.raises(ValueError, match="Adam: betas must be two numbers"):
        optim.Adam(ours, betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="got an empty parameter list"):
        optim.Adam([])
    with pytest.raises(TypeError, match=r"unknown option\(s\) \['betas'\]"):
        optim.SGD([{"params": ours, "betas": (0.9, 0.9)}])
    with pytest.raises(ValueError, match="more than one param group"):
        optim.SGD([{"params": ours}, {"params": ours[:1]}])


SCHEDULERS = [
    ("StepLR", dict(step_size=3, gamma=0.5)),
    ("ExponentialLR", dict(gamma=0.8)),
    ("CosineAnnealingLR", dict(T_max=7, eta_min=0.001)),
    ("LinearLR", dict(start_factor=0.1, total_iters=4)),
    ("OneCycleLR", dict(max_lr=0.5, total_steps=12)),
    ("OneCycleLR", dict(max_lr=0.5, total_steps=12, anneal_strategy="linear", pct_start=0.5)),
]


@pytest.mark.parametrize("opt_name", ["SGD", "Adam"])
@pytest.mark.parametrize("name, options", SCHEDULERS, ids=[f"{n}-{o}" for n, o in SCHEDULERS])
def test_schedulers_match_pytorch(name, options, opt_name):
    ours, theirs = _make_params()
    extra = {"momentum": 0.9} if opt_name == "SGD" else {}
    opt = getattr(optim, opt_name)(ours, lr=0.1, **extra)
    ref = getattr(torch.optim, opt_name)(theirs, lr=0.1, **extra)
    ours_sched = getattr(lr_scheduler, name)(opt, **options)
    sched = ours_sched, getattr(torch.optim.lr_scheduler, name)(ref, **options)
    assert sched[0].get_last_lr() == pytest.approx(sched[1].get_last_lr())
    _run(opt, ref, ours, theirs, 11, sched)
    key = "betas" if opt_name == "Adam" else "momentum"
    assert opt.param_groups[0][key] == pytest.approx(ref.param_groups[0][key])


def test_scheduler_errors():
    ours, _ = _make_params()
    opt = optim.SGD(ours, lr=0.1, momentum=0.9)
    with pytest.raises(ValueError, match="StepLR: step_size must be a positive int, got 0"):
        lr_scheduler.StepLR(opt, step_size=0)
    with pytest.raises(TypeError, match="expected an Optimizer, got list"):
        lr_scheduler.ExponentialLR([], gamma=0.5)
    sched = lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=3)
    sched.step()
    sched.step()
    with pytest.raises(ValueError, match="OneCycleLR: stepped 4 times; total_steps=3"):
        sched.step()


@pytest.mark.parametrize("norm_type", [2.0, 1.0, float("inf")])
@pytest.mark.parametrize("max_norm", [0.5, 100.0])
def test_clip_grad_norm_matches_pytorch(norm_type, max_norm):
    ours, theirs = _make_params()
    for p, q, g in zip(ours, theirs, _grads([q.detach().numpy() for q in theirs], 1)):
        p.grad, q.grad = Tensor(g.copy()), torch.tensor(g.copy())
    total = optim.clip_grad_norm_(ours, max_norm, norm_type=norm_type)
    expected = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type=norm_type)
    assert float(total.array) == pytest.approx(expected.item(), rel=1e-12)
    for p, q in zip(ours, theirs):
        np.testing.assert_allclose(p.grad.array, q.grad.numpy(), rtol=1e-12)
    ours[0].grad.array[0, 0] = np.nan
    with pytest.raises(RuntimeError, match="clip_grad_norm_: the total .*-norm of the gradients is nan"):
        optim.clip_grad_norm_(ours, 1.0, norm_type=norm_type, error_if_nonfinite=True)


def test_step_with_closure_and_added_param_group():
    ours, _ = _make_params()
    opt = optim.SGD([ours[0]], lr=0.5)
    opt.add_param_group({"params": ours[1], "lr": 0.0})
    before = [p.array.copy() for p in ours]

    def closure():
        opt.zero_grad()
        loss = (ours[0] * ours[0]).sum() + (ours[1] * ours[1]).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert float(loss.array) == pytest.approx(sum((b ** 2).sum() for b in before))
    np.testing.assert_allclose(ours[0].array, before[0] * 0.0, atol=1e-12)  # p - 0.5 * 2p
    np.testing.assert_array_equal(ours[1].array, before[1])  # lr 0 in its own group
    assert "Parameter Group 1" in repr(opt) and "lr: 0.0" in repr(opt)
