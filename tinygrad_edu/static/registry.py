"""Op name -> Op class, derived from the ops package (a new op module is found without editing here).

The graph IR stores each node's op by its class name ("MatMul", "PowScalar"): class names are unique,
while the short `Op.name` a student reads ("pow") may be shared by two classes (a ** b and x ** 2).
"""
import importlib
import pkgutil

from .. import ops
from ..ops import Op


def _collect() -> dict:
    found: dict = {}
    for info in pkgutil.iter_modules(ops.__path__):
        module = importlib.import_module(f"{ops.__name__}.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Op) and value is not Op \
                    and value.__module__ == module.__name__ and not value.__name__.startswith("_"):
                if found.get(value.__name__, value) is not value:
                    raise RuntimeError(f"two ops named {value.__name__}: {found[value.__name__]}, {value}")
                found[value.__name__] = value
    return found


OPS: dict = _collect()


def register(cls) -> type:
    """Add an Op class defined outside ops/ (the static graph's fused elementwise op)."""
    OPS[cls.__name__] = cls
    return cls


def key_of(op: Op) -> str:
    """The name the IR stores for `op` (its class must be registered)."""
    name = type(op).__name__
    if OPS.get(name) is not type(op):
        raise TypeError(f"static graph: op {name} ({op.name}) is not a registered op; define it in "
                        "tinygrad_edu/ops/ so graphs can record, save and load it")
    return name


def build(name: str, attrs: dict) -> Op:
    """A fresh op instance from its IR name and attrs (`type(op)(**op.attrs)`)."""
    return OPS[name](**attrs)
