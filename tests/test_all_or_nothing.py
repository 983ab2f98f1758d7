"""A failed load_state_dict (model, optimizer, scheduler) changes nothing; optimizers refuse a parameter
given twice (it would be stepped twice)."""
import copy

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn, optim
from tinygrad_edu.errors import ShapeError


def _model():
    tg.manual_seed(0)
    return nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3), nn.Linear(3, 1))


def _values(model):
    return {k: v.array.copy() for k, v in model.state_dict().items()}


def _assert_unchanged(model, before):
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(value.array, before[key], err_msg=key)


@pytest.mark.parametrize("spoil, error, message", [
    (lambda s: s.__setitem__("2.weight", np.zeros((2, 2))), ShapeError,
     r"size mismatch for '2.weight': the checkpoint has shape \(2, 2\), this model has \(1, 3\)"),
    (lambda s: s.__setitem__("2.bias", np.array(["a"])), TypeError, r"'2.bias' holds dtype <U1, not numbers"),
    (lambda s: s.pop("2.bias"), KeyError, r"missing keys \['2.bias'\]"),
    (lambda s: s.__setitem__("3.weight", np.ones(1)), KeyError, r"unexpected keys \['3.weight'\]"),
])
def test_a_failed_model_load_keeps_every_value_the_model_had(spoil, error, message):
    model = _model()
    before = _values(model)
    state = {k: v + 1 for k, v in before.items()}  # every entry differs, so any partial copy would show
    spoil(state)
    with pytest.raises(error, match=message) as info:
        model.load_state_dict(state)
    assert "nothing was loaded" in str(info.value)
    _assert_unchanged(model, before)


def test_every_mismatch_is_reported_at_once_and_a_good_load_copies_all():
    model = _model()
    state = {k: v + 1 for k, v in _values(model).items()}
    state["0.weight"], state["2.bias"] = np.zeros(5), np.zeros((1, 1))
    with pytest.raises(ShapeError, match=r"'0.weight'.*; size mismatch for '2.bias'"):
        model.load_state_dict(state)
    with pytest.raises(TypeError, match="expected a dict of name -> tensor, got list"):
        model.load_state_dict([1, 2])
    good = {k: v + 1 for k, v in _values(model).items()}
    model.load_state_dict(good)
    _assert_unchanged(model, good)


def _trained_adam():
    model = _model()
    opt = optim.Adam(model.parameters(), lr=0.1)
    model(tg.randn(4, 2)).sum().backward()
    opt.step()
    return model, opt


@pytest.mark.parametrize("spoil, error, message", [
    (lambda s: s["state"][3].__setitem__("exp_avg", np.zeros(7)), ShapeError,
     r"state\[3\]\['exp_avg'\] has shape \(7,\), but parameter 3 has shape \(3,\)"),
    (lambda s: s["state"][3].__setitem__("exp_avg", np.array(["x"] * 3)), TypeError, "not numbers"),
    (lambda s: s["state"].__setitem__(99, {}), ValueError, "state for parameter 99 has no parameter here"),
    (lambda s: s["param_groups"][0].__setitem__("params", [0, 0, 1, 2, 3, 4]), ValueError,
     "parameter index 0 appears twice"),
    (lambda s: s["param_groups"][0].pop("params"), ValueError, "no list of parameter indices"),
    (lambda s: s["state"].__setitem__(2, "junk"), ValueError, r"state\[2\] must be a dict"),
    (lambda s: s.__setitem__("state", []), ValueError, "'state' a dict"),
])
def test_a_failed_optimizer_load_keeps_its_state_and_options(spoil, error, message):
    model, opt = _trained_adam()
    before = copy.deepcopy(opt.state_dict())
    state = copy.deepcopy(before)
    state["param_groups"][0]["lr"] = 123.0  # a change that must not land either
    for entry in state["state"].values():
        entry["exp_avg"] = entry["exp_avg"] + 1
    spoil(state)
    with pytest.raises(error, match=message):
        opt.load_state_dict(state)
    after = opt.state_dict()
    assert after["param_groups"] == before["param_groups"] and opt.param_groups[0]["lr"] == 0.1
    for key, entry in before["state"].items():
        for name, value in entry.items():
            np.testing.assert_array_equal(after["state"][key][name], value)


def test_a_scheduler_load_accepts_only_its_own_keys():
    _, opt = _trained_adam()
    sched = optim.lr_scheduler.StepLR(opt, step_size=2)
    sched.step()
    state = sched.state_dict()
    with pytest.raises(ValueError, match=r"StepLR.load_state_dict: unexpected keys \['optimizer'\]"):
        sched.load_state_dict({**state, "optimizer": None})
    assert sched.optimizer is opt
    fresh = optim.lr_scheduler.StepLR(opt, step_size=2)
    fresh.load_state_dict(state)
    assert fresh.last_epoch == sched.last_epoch


def test_optimizers_refuse_a_parameter_given_twice():
    w = tg.zeros(2, requires_grad=True)
    for make in (lambda p: optim.SGD(p, lr=1.0), lambda p: optim.Adam(p)):
        with pytest.raises(ValueError, match=r"parameter 1 of the param group is the same tensor as param"):
            make([w, w])
        with pytest.raises(ValueError, match="more than one param group"):
            make([{"params": [w]}, {"params": [w]}])
    model = nn.Linear(2, 2)
    tied = nn.Sequential(model, model)  # a shared layer is listed once by parameters(), so this works
    assert len(optim.SGD(tied.parameters(), lr=0.1).param_groups[0]["params"]) == 2
