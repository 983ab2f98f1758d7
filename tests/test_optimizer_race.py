"""The OptimizerRace: its trajectories are exactly `tinygrad_edu.optim`'s steps on the surface (checked
with a training loop written here from the optim classes), settings re-race only what changed, user
surfaces, schedules, divergence, and what travels to the browser."""
import numpy as np
import pytest
import traitlets

import tinygrad_edu as tg
from tinygrad_edu import optim
from tinygrad_edu.widgets import OptimizerRace

BUILD = {
    "sgd": lambda p, s: optim.SGD([p], lr=s["lr"]),
    "momentum": lambda p, s: optim.SGD([p], lr=s["lr"], momentum=s["momentum"]),
    "nesterov": lambda p, s: optim.SGD([p], lr=s["lr"], momentum=s["momentum"], nesterov=True),
    "adagrad": lambda p, s: optim.Adagrad([p], lr=s["lr"]),
    "rmsprop": lambda p, s: optim.RMSprop([p], lr=s["lr"], alpha=s["alpha"]),
    "adam": lambda p, s: optim.Adam([p], lr=s["lr"], betas=tuple(s["betas"])),
}
FORMULAS = {      # the surfaces written again, in NumPy, to check the recorded losses
    "rosenbrock": lambda x, y: (1 - x) ** 2 + 100 * (y - x * x) ** 2,
    "saddle": lambda x, y: x * x - y * y + 0.25 * y ** 4,
    "ill_conditioned": lambda x, y: 0.5 * (x * x + 50 * y * y),
    "beale": lambda x, y: ((1.5 - x + x * y) ** 2 + (2.25 - x + x * y * y) ** 2
                           + (2.625 - x + x * y ** 3) ** 2),
}


def manual_path(fn, start, name, settings, steps, scheduler=None):
    p = tg.tensor(np.array(start, dtype=np.float64), requires_grad=True)
    opt = BUILD[name](p, settings)
    sched = scheduler(opt) if scheduler else None
    points = [np.array(start, dtype=np.float64)]
    for _ in range(steps):
        opt.zero_grad()
        fn(p[0], p[1]).backward()
        opt.step()
        if sched:
            sched.step()
        points.append(p.numpy().copy())
    return np.array(points)


@pytest.mark.parametrize("surface", list(FORMULAS))
def test_trajectories_are_the_optim_steps_on_the_surface(surface):
    race = OptimizerRace(surface, steps=40)
    trajectories, losses = race.trajectories, race.losses
    assert set(trajectories) == set(BUILD) == set(race.settings)
    for name, path in trajectories.items():
        assert path.shape == (41, 2) and tuple(path[0]) == race.surface.start
        expected = manual_path(race.surface.fn, race.surface.start, name, race.settings[name], 40)
        np.testing.assert_array_equal(path, expected)
        np.testing.assert_allclose(losses[name], FORMULAS[surface](path[:, 0], path[:, 1]), rtol=1e-12)


def test_the_racers_end_where_a_lesson_says():
    race = OptimizerRace("ill_conditioned", steps=150)
    end = {name: losses[-1] for name, losses in race.losses.items()}
    assert end["momentum"] < 1e-6 and end["adam"] < 1e-3
    y = race.trajectories["sgd"][:30, 1]
    assert (np.sign(y[1:]) != np.sign(y[:-1])).mean() > 0.9       # SGD zigzags across the narrow valley
    saddle = OptimizerRace("saddle", steps=300).losses
    assert saddle["sgd"][-1] > -0.2 and saddle["adam"][-1] < -0.9   # plain SGD lingers near the saddle


def test_configure_reraces_only_that_optimizer():
    race = OptimizerRace("rosenbrock", steps=30)
    before = race.trajectories
    race.configure("adam", lr=0.01)
    after = race.trajectories
    assert race.settings["adam"]["lr"] == 0.01
    assert not np.array_equal(before["adam"], after["adam"])
    assert all(np.array_equal(before[n], after[n]) for n in before if n != "adam")
    expected = manual_path(race.surface.fn, race.surface.start, "adam", race.settings["adam"], 30)
    np.testing.assert_array_equal(after["adam"], expected)
    race.set_state({"settings": {**race.settings, "sgd": {"lr": 0.0005}}})     # the browser's lr field
    np.testing.assert_array_equal(
        race.trajectories["sgd"], manual_path(race.surface.fn, race.surface.start, "sgd", {"lr": 0.0005}, 30))
    assert race.run(50)["sgd"].shape == (51, 2) and race.steps == 50


def test_a_new_start_point_reraces_from_there():
    race = OptimizerRace("beale", steps=20, optimizers=["sgd", "adam"])
    race.start = [2.0, -1.0]
    assert list(race.trajectories) == ["sgd", "adam"]
    assert tuple(race.trajectories["adam"][0]) == (2.0, -1.0)


def test_a_user_surface_written_with_tensor_ops():
    def bowl(x, y):
        return (x - 1) ** 2 + 3 * (y + 0.5) ** 2 + 0.2 * (x * y).sin()

    race = OptimizerRace(bowl, start=(-1.5, 1.0), bounds=((-2, 2), (-2, 2)), steps=60,
                         settings={"sgd": {"lr": 0.05}})
    assert race.surface_name == "custom" and race.settings["sgd"]["lr"] == 0.05
    np.testing.assert_array_equal(race.trajectories["sgd"],
                                  manual_path(bowl, (-1.5, 1.0), "sgd", {"lr": 0.05}, 60))
    assert race.losses["sgd"][-1] < race.losses["sgd"][0]


def test_a_schedule_steps_after_every_step():
    def halve(opt):
        return optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)

    race = OptimizerRace("ill_conditioned", steps=40, schedule=halve, optimizers=["sgd", "momentum"])
    for name in ("sgd", "momentum"):
        np.testing.assert_array_equal(
            race.trajectories[name],
            manual_path(race.surface.fn, race.surface.start, name, race.settings[name], 40, halve))


def test_a_diverging_optimizer_is_recorded_not_raised():
    race = OptimizerRace("rosenbrock", steps=100, settings={"sgd": {"lr": 0.05}})
    path, losses = race.trajectories["sgd"], race.losses["sgd"]
    assert np.isnan(losses[-1]) and np.isnan(path[-1]).all()
    first_bad = int(np.argmax(~np.isfinite(losses)))
    assert first_bad > 0 and np.isfinite(path[:first_bad]).all()


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="unknown surface 'himmelblau'"):
        OptimizerRace("himmelblau")
    with pytest.raises(ValueError, match="Adam has no setting.*'momentum'"):
        OptimizerRace(settings={"adam": {"momentum": 0.9}})
    with pytest.raises(ValueError, match="invalid lr -1"):
        OptimizerRace(settings={"sgd": {"lr": -1}})
    with pytest.raises(ValueError, match="not racing"):
        OptimizerRace(optimizers=["sgd"], settings={"adam": {"lr": 0.1}})
    with pytest.raises(ValueError, match="one value each"):
        OptimizerRace(lambda x, y: (x + y).sum())
    with pytest.raises(ValueError, match="bounds need finite"):
        OptimizerRace("saddle", bounds=((1, -1), (0, 1)))
    race = OptimizerRace("saddle", steps=10)
    with pytest.raises(traitlets.TraitError, match="steps: expected an int from 1"):
        race.steps = 0
    with pytest.raises(traitlets.TraitError, match="'together'"):
        race.arrangement = "grid"


def test_what_the_browser_gets():
    race = OptimizerRace("saddle", steps=25)
    paths, land = race.paths, race.landscape
    assert paths["names"] == list(BUILD) and paths["steps"] == 25
    assert isinstance(paths["points"], bytes) and len(paths["points"]) == 6 * 26 * 2 * 4
    points = np.frombuffer(paths["points"], dtype="<f4").reshape(6, 26, 2)
    np.testing.assert_allclose(points[5], race.trajectories["adam"], rtol=1e-6)
    shade = np.frombuffer(land["shade"], dtype="<f4")
    assert shade.size == land["grid"] ** 2 and shade.min() == 0 and shade.max() == 1
    data, _ = race._repr_mimebundle_()
    assert data["image/svg+xml"].count("<polyline") == 6
