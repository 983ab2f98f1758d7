"""Containers: Sequential (call children in order), ModuleList and ModuleDict (just hold them)."""
from collections import OrderedDict

from .module import Module


class Sequential(Module):
    """`Sequential(a, b, c)(x) == c(b(a(x)))`; also accepts one OrderedDict of named modules."""

    def __init__(self, *modules):
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            modules = modules[0].items()
        else:
            modules = ((str(i), m) for i, m in enumerate(modules))
        for name, module in modules:
            if not isinstance(module, Module):
                raise TypeError(f"Sequential: expected Module instances, got {type(module).__name__} "
                                f"for {name!r}")
            setattr(self, name, module)

    def forward(self, x):
        for module in self._modules.values():
            x = module(x)
        return x

    def __getitem__(self, index):
        items = list(self._modules.values())
        return Sequential(*items[index]) if isinstance(index, slice) else items[index]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def append(self, module):
        setattr(self, str(len(self)), module)
        return self


class ModuleList(Module):
    """A list whose Modules are registered (so their parameters are found); not callable itself."""

    def __init__(self, modules=()):
        super().__init__()
        for module in modules:
            self.append(module)

    def append(self, module):
        if not isinstance(module, Module):
            raise TypeError(f"ModuleList: expected a Module, got {type(module).__name__}")
        setattr(self, str(len(self)), module)
        return self

    def extend(self, modules):
        for module in modules:
            self.append(module)
        return self

    def __getitem__(self, index):
        items = list(self._modules.values())
        return ModuleList(items[index]) if isinstance(index, slice) else items[index]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())


class ModuleDict(Module):
    """A dict of registered Modules, in insertion order; not callable itself."""

    def __init__(self, modules=None):
        super().__init__()
        for name, module in dict(modules or {}).items():
            self[name] = module

    def __setitem__(self, name, module):
        if not isinstance(name, str) or not name or "." in name or "/" in name:
            raise KeyError(f"ModuleDict: keys must be non-empty strings without '.' or '/', got {name!r}")
        if not isinstance(module, Module):
            raise TypeError(f"ModuleDict: expected a Module for key {name!r}, got {type(module).__name__}")
        setattr(self, name, module)

    def __getitem__(self, name):
        if name not in self._modules:
            raise KeyError(f"ModuleDict: no module named {name!r}; have {list(self._modules)}")
        return self._modules[name]

    def __contains__(self, name):
        return name in self._modules

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def keys(self):
        return self._modules.keys()

    def values(self):
        return self._modules.values()

    def items(self):
        return self._modules.items()
