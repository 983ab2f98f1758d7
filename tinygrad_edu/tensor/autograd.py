"""Reverse-mode autodiff over the Tensor graph: `backward()` and `grad()`.

How it runs: nodes are visited newest-first from a heap (no recursion, so a 100,000-op chain works).
Each node's `Op.backward` turns the gradient of its output into gradients of its inputs, which are
summed per input; each gradient is dropped as soon as it has been passed on. Gradients are plain
arrays unless `create_graph=True`, where they are Tensors built by the same backward formulas run on
`graph_xp`, so they can be differentiated again.

Freed graphs: without `retain_graph`, every node that backward went through is marked freed, and a
second backward through it raises. Ops save nothing of their own (backward reads the inputs and the
output), and those arrays stay, because they are the node values that drawings show; nodes hold only
their inputs, so a graph has no reference cycles and is released the moment its output is dropped."""

from heapq import heappop, heappush
from operator import attrgetter

from .. import backend
from ..errors import ShapeError
from ..ops import vjp, vjp_into
from . import grad_mode, graph_xp
from .core import Tensor, _wrap, all_finite


def _root_gradient(root: Tensor, gradient, create_graph: bool, where: str):
    if not root.requires_grad:
        raise RuntimeError(
            f"{where}: this tensor does not require grad and has no graph behind it; "
            "create the inputs with requires_grad=True"
        )
    if gradient is None:
        if root.array.size != 1:
            raise RuntimeError(
                f"{where}: the output has shape {root.shape}, and a gradient can only be created implicitly "
                f"for one element; pass gradient=<a tensor of shape {root.shape}> (e.g. ones_like(out)), "
                "or reduce it first with .sum() or .mean()"
            )
        array = root.array  # d(root)/d(root) = 1: two C calls (NumPy's ones_like is a Python wrapper)
        g = backend.XP_BY_TYPE[type(array)].asarray(1, dtype=array.dtype).reshape(array.shape)
        return _wrap(g, None, (), False) if create_graph else g
    g = gradient if isinstance(gradient, Tensor) else Tensor(gradient, dtype=root.dtype, device=root.device)
    if g.shape != root.shape:
        raise RuntimeError(f"{where}: gradient has shape {g.shape} but the output has shape {root.shape}")
    return g if create_graph else g.array


def _freed_error(node: Tensor) -> RuntimeError:
    return RuntimeError(
        f"backward: trying to go through the graph a second time, but the part behind op '{node._op.name}' "
        f"(output shape {node.shape}) was freed by the first backward(); call backward(retain_graph=True) "
        "the first time if you need to backpropagate through it again"
    )


def _check_grads(op, grads) -> None:
    """Anomaly mode: name the op whose backward produced NaN/Inf."""
    for i, g in enumerate(grads):
        if g is None:
            continue
        if not all_finite(backend.to_host(g.array) if isinstance(g, Tensor) else backend.to_host(g)):
            raise RuntimeError(
                f"anomaly: backward of op '{op.name}' produced NaN/Inf in the gradient of input {i}"
            )


def _as_array(g, like):
    """NumPy turns 0-d results into scalars; gradients handed to users are arrays of the node's type."""
    return g if type(g) is type(like) else backend.XP_BY_TYPE[type(like)].asarray(g)


def _run_hooks(node: Tensor, g, create_graph: bool):
    for hook in node._hooks or ():
        result = hook(g if create_graph else _wrap(_as_array(g, node.array), None, (), False))
        if result is not None:
            _check_hook_result(hook, node, result)
            g = result if create_graph else result.array
    return g


def _check_hook_result(hook, node: Tensor, result) -> None:
    """A hook's returned gradient replaces the real one, so it must fit the tensor: say so, naming the
    hook, here rather than inside the backward of some op further down."""
    name = getattr(hook, "__qualname__", repr(hook))
    target = f"tensor {node.name!r}" if node.name else "a tensor"
    if not isinstance(result, Tensor):
        raise TypeError(f"backward: hook {name} on {target} returned {type(result).__name__}; a hook returns "
                        f"None or a Tensor of the gradient's shape {node.shape}")
    if result.shape != node.shape or type(result.array) is not type(node.array):
        raise ShapeError(f"backward: hook {name} on {target} of shape {node.shape} ({node.device}) returned "
                         f"a gradient of shape {result.shape} ({result.device}); it must keep both")


def _accumulate_leaf(node: Tensor, g, create_graph: bool, handed: set) -> None:
    """Add g to node.grad (PyTorch leaves accumulate; zero them between steps).

    A stored `.grad` must be an array of its own: optimizers and clip_grad_norm_ change grads in place,
    but backward may hand the same array to two tensors (both inputs of an add) or a read-only
    broadcast view (the gradient of a sum). Those are copied; fresh results (matmul's) are kept as is.
    """
    if node.grad is None:
        if create_graph:
            node.grad = g
            return
        g = _as_array(g, node.array)
        if g.base is not None or id(g) in handed:
            g = g.copy()
        handed.add(id(g))
        node.grad = _wrap(g, None, (), False)
    elif create_graph:
        node.grad = node.grad + g
    else:
        node.grad.array = _as_array(node.grad.array + g, node.array)


class _Pending:
    """Gradients waiting to be passed on, and a heap of their nodes, newest first.

    A tensor is always created after its inputs, so popping the newest node (largest creation number
    `_seq`) reaches each node only after every node that uses it has passed its gradient on: one pass,
    no recursion. Leaves pass nothing on, so they skip the heap: their sums wait in `leaves` until the
    walk ends. A gradient that arrives twice is summed, in place once the sum is our own array."""

    __slots__ = ("grads", "heap", "leaves", "owned", "create_graph")

    def __init__(self, create_graph: bool):
        self.grads: dict = {}
        self.heap: list = []
        self.leaves: list = []
        self.owned: set = set()
        self.create_graph = create_graph

    def add(self, node: Tensor, g) -> None:
        key = id(node)
        prev = self.grads.get(key)
        if prev is None:
            self.grads[key] = g
            if node._op is None:
                self.leaves.append(node)
            else:
                heappush(self.heap, (-node._seq, node))
        elif self.create_graph or key not in self.owned:
            self.grads[key] = prev + g
            self.owned.add(key)
        else:
            prev += g
            self.grads[key] = prev  # 0-d NumPy results are scalars, which += rebinds

    def add_into(self, node: Tensor, op, g, inputs) -> None:
        """Add an indexing node's gradient into `node`'s running sum in place: the sum is made (zeros)
        or copied (when not our own array) once, then each use adds only its slice."""
        key, total = id(node), self.grads.get(id(node))
        if total is None:
            array = node.array  # (zeros is one C call; zeros_like a Python wrapper around two)
            total = backend.XP_BY_TYPE[type(array)].zeros(array.shape, array.dtype)
            self.add(node, total)
        elif key not in self.owned:
            total = total.copy()
            self.grads[key] = total
        self.owned.add(key)
        vjp_into(op, backend.XP_BY_TYPE[type(total)], total, g, inputs)


# map() with these runs in C: a list comprehension would add a Python frame per node (CPython 3.11)
_ARRAY, _REQUIRES_GRAD = attrgetter("array"), attrgetter("requires_grad")


def _input_grads(node: Tensor, g, create_graph: bool) -> tuple:
    """One node's chain rule: its op's vjp, on arrays, or on Tensors when the gradient is a graph too."""
    parents = node._parents
    if create_graph:
        inputs, out, xp = list(parents), node, graph_xp
    else:
        inputs, out, xp = list(map(_ARRAY, parents)), node.array, backend.XP_BY_TYPE[type(node.array)]
    needs = list(map(_REQUIRES_GRAD, parents)) if node._op.uses_needs else None  # (only they read it)
    grads = vjp(node._op, xp, g, inputs, out, needs)
    if grad_mode.anomaly:
        _check_grads(node._op, grads)
    return grads


def _finish(node: Tensor, g, create_graph: bool, capture, handed: set):
    """A node's gradient is complete: its hooks run, then it is captured (grad()) or stored in `.grad`
    (leaves, and tensors that retain_grad())."""
    if node._hooks:
        g = _run_hooks(node, g, create_graph)
    if capture is not None:
        if id(node) in capture:
            capture[id(node)] = g if create_graph else _as_array(g, node.array)
    elif node._op is None or node._retains_grad:
        _accumulate_leaf(node, g, create_graph, handed)
    return g


def run_backward(roots, root_grads, retain_graph: bool, create_graph: bool, capture=None) -> None:
    """Propagate `root_grads` from `roots` to every node. With `capture` (dict id -> None), the gradients
    reaching those nodes are stored there instead of being added to `.grad`."""
    pending, handed = _Pending(create_graph), set[int]()
    for root, g in zip(roots, root_grads):
        pending.add(root, g)
    heap, grads = pending.heap, pending.grads
    recording, grad_mode.enabled = grad_mode.enabled, create_graph
    try:
        while heap:
            node = heappop(heap)[1]
            g = grads.pop(id(node))
            if node._hooks or node._retains_grad or capture is not None:
                g = _finish(node, g, create_graph, capture, handed)
            if node._freed:
                raise _freed_error(node)
            op, parents = node._op, node._parents
            if op.backward_into is not None and not create_graph:  # x[t]: add a slice, in place
                if parents[0].requires_grad:
                    pending.add_into(parents[0], op, g, list(map(_ARRAY, parents)))
            else:
                for parent, pg in zip(parents, _input_grads(node, g, create_graph)):
                    if pg is not None and parent.requires_grad:
                        pending.add(parent, pg)
            if not retain_graph:
                node._freed = True
        for leaf in pending.leaves:
            _finish(leaf, grads[id(leaf)], create_graph, capture, handed)
    finally:
        grad_mode.enabled = recording


def backward(root: Tensor, gradient=None, retain_graph=None, create_graph: bool = False, inputs=None) -> None:
    """root.backward(): add d(root)/d(leaf) to every leaf's `.grad` (and to tensors that retain_grad()).

    `retain_graph` defaults to `create_graph`; without it the graph is marked freed and a second
    backward through it raises. `inputs` limits accumulation to the given tensors."""
    retain = create_graph if retain_graph is None else retain_graph
    g = _root_gradient(root, gradient, create_graph, "backward")
    if inputs is None:
        run_backward([root], [g], retain, create_graph)
        return
    targets = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    results = grad(
        [root],
        targets,
        [g if create_graph else _wrap(g, None, (), False)],
        retain,
        create_graph,
        allow_unused=True,
    )
    for t, r in zip(targets, results):
        if r is not None:
            _accumulate_leaf(t, r if create_graph else r.array, create_graph, set())


def grad(
    outputs,
    inputs,
    grad_outputs=None,
    retain_graph=None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple:
    """tinygrad_edu.grad(outputs, inputs): the gradients of `outputs` w.r.t. `inputs`, returned as a tuple
    instead of being added to `.grad` (like torch.autograd.grad)."""
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif isinstance(grad_outputs, Tensor):
        grad_outputs = [grad_outputs]
    if len(grad_outputs) != len(outputs):
        raise ValueError(f"grad: got {len(grad_outputs)} grad_outputs for {len(outputs)} outputs")
    for i, t in enumerate(inputs):
        if not isinstance(t, Tensor) or not t.requires_grad:
            raise RuntimeError(f"grad: input {i} does not require grad, so it has no gradient")
    root_grads = [_root_gradient(o, g, create_graph, "grad") for o, g in zip(outputs, grad_outputs)]
    capture = {id(t): None for t in inputs}
    retain = create_graph if retain_graph is None else retain_graph
    run_backward(outputs, root_grads, retain, create_graph, capture)
    results: list = []
    for i, t in enumerate(inputs):
        g = capture[id(t)]
        if g is None and not allow_unused:
            raise RuntimeError(
                f"grad: input {i} (shape {t.shape}) was not used to compute the outputs; "
                "pass allow_unused=True to get None for it"
            )
        results.append(g if g is None or create_graph else _wrap(g, None, (), False))
    return tuple(results)
