"""Names a student recognises, for every node a snapshot describes, and the text of a caption.

Why a module of its own: ids ("v12") are for machines; everything a person reads (a box, a caption, the
details panel) uses the names made here. A parameter is named by its module path from the model's
`named_parameters()` ("0.weight"), a tensor by its `name=`, a scalar by its `label=`, an intermediate
by its scope and op ("Linear0 · matmul"), and anything else by a short generated letter.
"""
import itertools
import re
import string
from collections.abc import Iterator

from ..nn.module import Module
from ..tensor import Tensor
from . import plain

# How an op's expression reads in a caption; the inputs are a, b (or x for one input), as in the
# op's own `local` derivative texts.
INFIX = {"+": "+", "-": "-", "*": "·", "/": "/", "**": "^", "add": "+", "sub": "-", "mul": "·",
         "div": "/", "matmul": "@", "pow": "^"}


def model_names(model) -> dict:
    """id(tensor) → its path in `model` ("0.weight"), from named_parameters() and named_buffers().

    `model` is an `nn.Module`, a mapping of names to tensors (e.g. `dict(model.named_parameters())`),
    or None."""
    if model is None:
        return {}
    if isinstance(model, Module):
        pairs = [*model.named_parameters(), *model.named_buffers()]
    elif isinstance(model, dict):
        pairs = list(model.items())
    else:
        raise TypeError(f"snapshot: model= expects an nn.Module or a dict of name → Tensor, "
                        f"got {type(model).__name__}")
    names: dict = {}
    for name, tensor in pairs:
        if not isinstance(tensor, Tensor):
            raise TypeError(f"snapshot: model= entry {name!r} is a {type(tensor).__name__}, not a Tensor")
        names.setdefault(id(tensor), str(name))
    return names


def module_kinds(model) -> dict:
    """Scope name → the snake_case class of the module called under it ("Linear0" → "linear")."""
    if not isinstance(model, Module):
        return {}
    return {m._scope_name: snake(type(m).__name__) for _, m in model.named_modules()}


def snake(name: str) -> str:
    """CamelCase → snake_case ("CrossEntropyLoss" → "cross_entropy_loss")."""
    out = []
    for i, ch in enumerate(name):
        word_start = not name[i - 1].isupper() or (i + 1 < len(name) and name[i + 1].islower())
        if ch.isupper() and i and word_start:
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


def fold_label(scope_name: str, kinds: dict) -> str:
    """The one-step label of a folded scope: its module's kind, else its name without trailing digits."""
    if scope_name in kinds:
        return kinds[scope_name]
    return snake(scope_name.rstrip(string.digits) or scope_name)


def letters(taken: set) -> Iterator[str]:
    """a, b, ..., z, a2, b2, ...: short names that no user label already uses."""
    for n in itertools.count(1):
        for ch in string.ascii_lowercase:
            name = ch if n == 1 else f"{ch}{n}"
            if name not in taken:
                yield name


def assign(labels: list, ops: list, scopes: list, root_default: str, generated: str) -> list:
    """A unique display name per node (in topological order): its label; else, for a node in a scope,
    "<scope> · <op>" ("<scope> · const" for a constant it made), numbered when a scope repeats one;
    else a generated name ("input" for a tensor input, then `generated` names: letters for scalars).
    An unnamed root is called `root_default` when given."""
    taken = {label for label in labels if label}
    fresh = letters(taken) if generated == "letters" else (f"t{n}" for n in itertools.count(1)
                                                              if f"t{n}" not in taken)
    seen: dict = {}
    names: list = []
    last = len(labels) - 1

    def numbered(base):
        seen[base] = seen.get(base, 0) + 1
        return base if seen[base] == 1 else f"{base} {seen[base]}"

    for k, (label, op, scope) in enumerate(zip(labels, ops, scopes)):
        if label:
            names.append(label)
        elif k == last and root_default and root_default not in taken:
            names.append(root_default)
        elif scope:
            names.append(numbered(f"{scope.rsplit('/', 1)[-1]} · {op or 'const'}"))
        elif op is None and generated != "letters":
            names.append(numbered("input"))
        else:
            names.append(next(fresh))
    return names


def d(name: str) -> str:
    """∂name, with a name that has spaces in parentheses: ∂(Linear0 · add)."""
    return f"∂({name})" if " " in name or name.startswith("-") else f"∂{name}"


def expression(op: str, args: list) -> str:
    """How an op applied to `args` reads: "x + y", "a·z", "tanh(x)"; a name with spaces in an infix
    expression is parenthesised: "(Linear0 · matmul) + 0.bias"."""
    if op in INFIX and len(args) == 2:
        sym = INFIX[op]
        a, b = (f"({x})" if " " in x or x.startswith("-") else x for x in args)
        return f"{a}{sym}{b}" if sym in "·^" else f"{a} {sym} {b}"
    if op.startswith("**") and len(args) == 1:
        return f"{args[0]}^{op[2:]}"
    return f"{op}({', '.join(args)})"


def derivative(expr: str, wrt: str) -> str:
    """∂(a·z)/∂z, ∂tanh(x)/∂x: the local derivative an op contributes, named by its own expression."""
    call = expr.endswith(")") and re.fullmatch(r"[A-Za-z_]\w*", expr.split("(", 1)[0], re.ASCII) is not None
    return f"∂{expr}/{d(wrt)}" if call else f"∂({expr})/{d(wrt)}"


def symbols(count: int) -> list:
    """The letters an op's own local-derivative texts use for its inputs: x alone, else a, b, c, ...
    (past z, as for a cat of many tensors: a₁, b₁, ...)."""
    if count == 1:
        return ["x"]
    letters = string.ascii_lowercase
    return [letters[k % 26] + ("".join("₀₁₂₃₄₅₆₇₈₉"[int(d)] for d in str(k // 26)) if k >= 26 else "")
            for k in range(count)]


def factor(text: str) -> str:
    """A factor in a product: parenthesised when it is negative or has spaces ((-4) · 1)."""
    return f"({text})" if text.startswith("-") or (" " in text and not text.startswith("[")) else text


def describe_factor(value) -> str:
    return factor(plain.describe(value))
