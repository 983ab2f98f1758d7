"""`Module`: the base class of every layer and model, with PyTorch's bookkeeping.

Assigning a `Parameter` or a `Module` as an attribute registers it, so `parameters()`,
`state_dict()`, `train()`/`eval()` and `to()` walk the whole tree. Calling a module opens a
name scope named after the attribute it lives in (or its class), so graph drawings can fold
each layer into one box.
"""
from collections import OrderedDict, namedtuple
from collections.abc import Mapping

from ..backend import device_of, normalize_device, to_device, xp_for
from ..errors import ShapeError
from ..optim.optimizer import zero_grads
from ..tensor import name_scope, to_numpy
from ..tensor.dtypes import to_dtype
from .parameter import Parameter

IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


class RemovableHandle:
    """Returned by `register_forward_hook`; `remove()` unregisters the hook."""

    def __init__(self, hooks, key):
        self.hooks, self.key = hooks, key

    def remove(self):
        self.hooks.pop(self.key, None)


class Module:
    """Base class: subclasses set attributes in `__init__` and define `forward`."""

    def __init__(self):
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_forward_hooks", OrderedDict())
        object.__setattr__(self, "_scope_name", type(self).__name__)
        object.__setattr__(self, "training", True)

    # ---- registration -------------------------------------------------------------------------
    def __setattr__(self, name, value):
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"{type(self).__name__}: call super().__init__() before assigning "
                                 "attributes")
        for table in (self._parameters, self._buffers, self._modules):
            table.pop(name, None)
        if isinstance(value, Parameter):
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
            value._set_scope_name(name)
        elif name in self.__dict__.get("_buffer_names", ()):
            self._buffers[name] = value
        else:
            object.__setattr__(self, name, value)
            return
        self.__dict__.pop(name, None)

    def _set_scope_name(self, attribute):
        """Children in containers are called "0", "1"...: prefix the class name so scopes stay readable."""
        scope = f"{type(self).__name__}{attribute}" if attribute.isdigit() else attribute
        object.__setattr__(self, "_scope_name", scope)

    def __getattr__(self, name):
        for table in ("_parameters", "_buffers", "_modules"):
            entries = self.__dict__.get(table)
            if entries is not None and name in entries:
                return entries[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name):
        for table in (self._parameters, self._buffers, self._modules):
            if name in table:
                del table[name]
                return
        object.__delattr__(self, name)

    def register_buffer(self, name, tensor, persistent=True):
        """State that is saved but not trained (e.g. BatchNorm's running mean); None is allowed."""
        if not persistent:
            self.__dict__.setdefault("_non_persistent", set()).add(name)
        self.__dict__.setdefault("_buffer_names", set()).add(name)
        setattr(self, name, tensor)

    def register_parameter(self, name, param):
        """Register `param` (a Parameter, or None for an absent one such as `bias=False`)."""
        if param is None:
            self._parameters[name] = None
        else:
            setattr(self, name, param)

    def add_module(self, name, module):
        setattr(self, name, module)

    # ---- calling ------------------------------------------------------------------------------
    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args, **kwargs):
        with name_scope(self._scope_name):
            out = self.forward(*args, **kwargs)
        for hook in list(self._forward_hooks.values()):
            result = hook(self, args, out)
            out = out if result is None else result
        return out

    def register_forward_hook(self, hook):
        """`hook(module, inputs, output)` runs after each forward; returning a value replaces the output."""
        key = max(self._forward_hooks, default=-1) + 1
        self._forward_hooks[key] = hook
        return RemovableHandle(self._forward_hooks, key)

    # ---- walking the tree ---------------------------------------------------------------------
    def named_modules(self, prefix=""):
        """Yield (dotted name, module) for this module and every descendant, each module once."""
        seen = set()
        stack = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            children = [(f"{name}.{k}" if name else k, m) for k, m in module.named_children()]
            stack.extend(reversed(children))

    def modules(self):
        return (m for _, m in self.named_modules())

    def named_children(self):
        return ((k, m) for k, m in self._modules.items() if m is not None)

    def children(self):
        return (m for _, m in self.named_children())

    def _named_entries(self, table, prefix="", recurse=True):
        seen = set()
        modules = self.named_modules(prefix) if recurse else [(prefix, self)]
        for module_name, module in modules:
            for name, value in getattr(module, table).items():
                if value is None or id(value) in seen:
                    continue
                seen.add(id(value))
                yield (f"{module_name}.{name}" if module_name else name), value

    def named_parameters(self, prefix="", recurse=True):
        return self._named_entries("_parameters", prefix, recurse)

    def parameters(self, recurse=True):
        return (p for _, p in self.named_parameters(recurse=recurse))

    def named_buffers(self, prefix="", recurse=True):
        return self._named_entries("_buffers", prefix, recurse)

    def buffers(self, recurse=True):
        return (b for _, b in self.named_buffers(recurse=recurse))

    # ---- modes and gradients ------------------------------------------------------------------
    def train(self, mode=True):
        """Training mode (Dropout drops, BatchNorm uses batch statistics); returns self."""
        for module in self.modules():
            object.__setattr__(module, "training", bool(mode))
        return self

    def eval(self):
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        for p in self.parameters():
            p.requires_grad = requires_grad
        return self

    def zero_grad(self, set_to_none=True):
        zero_grads(self.parameters(), set_to_none)

    def to(self, device=None, dtype=None):
        """Move every parameter, gradient and buffer to `device` and/or cast floats to `dtype`, in place."""
        if device is not None:
            device = normalize_device(device)
            xp_for(device)
        dtype = None if dtype is None else to_dtype(dtype, f"{type(self).__name__}.to")
        tensors = list(self.parameters()) + list(self.buffers())
        tensors += [p.grad for p in self.parameters() if p.grad is not None]
        for t in tensors:
            if device is not None:
                t.array = to_device(t.array, device)
            if dtype is not None and t.array.dtype.kind == "f":
                t.array = t.array.astype(dtype)
        return self

    def double(self):
        """Cast floating-point parameters and buffers to float64 (as for gradient checks)."""
        return self.to(dtype="float64")

    def float(self):
        return self.to(dtype="float32")

    def apply(self, fn):
        """Call `fn(module)` on every submodule, children first, then self (as PyTorch does)."""
        for module in reversed(list(self.modules())):
            fn(module)
        return self

    # ---- state dicts --------------------------------------------------------------------------
    def state_dict(self):
        """Ordered name -> Tensor for every parameter and persistent buffer (shared, not copied)."""
        out = OrderedDict()
        for module_name, module in self.named_modules():
            prefix = f"{module_name}." if module_name else ""
            for name, p in module._parameters.items():
                if p is not None:
                    out[prefix + name] = p
            skip = module.__dict__.get("_non_persistent", set())
            for name, b in module._buffers.items():
                if b is not None and name not in skip:
                    out[prefix + name] = b
        return out

    def load_state_dict(self, state_dict, strict=True):
        """Copy values into this module's tensors in place, after checking names, shapes and dtypes.

        With `strict=True` missing or unexpected keys are an error; shape mismatches and non-numeric
        values always are. Everything is checked (and converted) before anything is written, so after
        an error the module keeps every value it had."""
        name = type(self).__name__
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"{name}.load_state_dict: expected a dict of name -> tensor, "
                            f"got {type(state_dict).__name__}")
        own = self.state_dict()
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        if strict and (missing or unexpected):
            raise KeyError(f"{name}.load_state_dict: missing keys {missing}, unexpected keys {unexpected}; "
                           "nothing was loaded")
        values, wrong_type, mismatches = {}, [], []
        for key, target in own.items():
            if key not in state_dict:
                continue
            value = to_numpy(state_dict[key])
            if value.dtype.kind not in "biuf":
                wrong_type.append(f"{key!r} holds dtype {value.dtype}")
            elif value.shape != target.array.shape:
                mismatches.append(f"size mismatch for {key!r}: the checkpoint has shape {value.shape}, "
                                  f"this model has {target.array.shape}")
            else:
                values[key] = value
        if wrong_type:
            raise TypeError(f"{name}.load_state_dict: {', '.join(wrong_type)}, not numbers; "
                            "nothing was loaded")
        if mismatches:
            raise ShapeError(f"{name}.load_state_dict: {'; '.join(mismatches)}; nothing was loaded")
        converted = [(own[key], to_device(v.astype(own[key].array.dtype), device_of(own[key].array)))
                     for key, v in values.items()]
        for target, value in converted:  # nothing below can fail: every value is ready
            target.array[...] = value
        return IncompatibleKeys(missing, unexpected)

    # ---- printing -----------------------------------------------------------------------------
    def extra_repr(self):
        """The text inside the parentheses of this module's line in the repr tree."""
        return ""

    def __repr__(self):
        children = [f"({k}): " + repr(m).replace("\n", "\n  ") for k, m in self.named_children()]
        if not children:
            return f"{type(self).__name__}({self.extra_repr()})"
        head = [self.extra_repr()] if self.extra_repr() else []
        return f"{type(self).__name__}(\n  " + "\n  ".join(head + children) + "\n)"

