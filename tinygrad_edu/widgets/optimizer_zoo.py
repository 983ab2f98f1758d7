"""The six optimizers the Playground and the OptimizerRace offer, by name, built from `tinygrad_edu.optim`.

"momentum" and "nesterov" are `optim.SGD` with momentum (and Nesterov's look-ahead): the same class a
lesson uses, so what a widget shows is what `optim` does. Each entry names the constructor and the
hyper-parameters a student may edit, with the defaults the widgets start from.
"""
from .. import optim

OPTIMIZERS: dict[str, tuple[type, dict, str]] = {
    "sgd": (optim.SGD, {"lr": 0.03}, "SGD"),
    "momentum": (optim.SGD, {"lr": 0.03, "momentum": 0.9}, "Momentum"),
    "nesterov": (optim.SGD, {"lr": 0.03, "momentum": 0.9, "nesterov": True}, "Nesterov"),
    "adagrad": (optim.Adagrad, {"lr": 0.03}, "Adagrad"),
    "rmsprop": (optim.RMSprop, {"lr": 0.03, "alpha": 0.99}, "RMSprop"),
    "adam": (optim.Adam, {"lr": 0.03, "betas": (0.9, 0.999)}, "Adam"),
}
NAMES = tuple(OPTIMIZERS)


def check_name(name, where: str) -> str:
    if name not in OPTIMIZERS:
        raise ValueError(f"{where}: unknown optimizer {name!r}; expected one of {list(NAMES)}")
    return name


def label(name: str) -> str:
    """How the widgets print an optimizer's name."""
    return OPTIMIZERS[name][2]


def defaults(name: str) -> dict:
    """The hyper-parameters `name` starts from (a fresh dict)."""
    return dict(OPTIMIZERS[name][1])


def settings_for(name: str, given: dict | None, where: str) -> dict:
    """`given` over the defaults, rejecting options the optimizer does not have (a typo, say)."""
    base = defaults(name)
    given = dict(given or {})
    unknown = sorted(set(given) - set(base))
    if unknown:
        raise ValueError(f"{where}: {label(name)} has no setting(s) {unknown}; it takes {sorted(base)}")
    if "betas" in given:
        given["betas"] = tuple(float(b) for b in given["betas"])
    return {**base, **given}


def make_optimizer(name: str, params, settings: dict | None = None):
    """An optimizer of kind `name` over `params` with `settings` (over the defaults)."""
    cls, _, _ = OPTIMIZERS[check_name(name, "make_optimizer")]
    return cls(params, **settings_for(name, settings, "make_optimizer"))
