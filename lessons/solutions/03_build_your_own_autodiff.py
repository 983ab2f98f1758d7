# Lesson 03 · Build your own autodiff: reference solutions.
# Each "# %% <cell id>" section replaces the lesson's cell with that id (see lessons/README.md).

# %% exercise-rules
def mul_local(a, b):
    """∂(a·b)/∂a and ∂(a·b)/∂b."""
    return b, a


def div_local(a, b):
    """∂(a/b)/∂a and ∂(a/b)/∂b."""
    return 1.0 / b, -a / b**2


def pow_local(a, n):
    """∂(aⁿ)/∂a for a plain number n."""
    return n * a ** (n - 1)


def tanh_local(a):
    """∂tanh(a)/∂a (write it with t = math.tanh(a))."""
    t = math.tanh(a)
    return 1.0 - t * t


# %% exercise-topo
def topological_order(root):
    """Every node `root` depends on, each after its inputs, using a list as a stack (no recursion)."""
    order, placed, stack = [], set(), [(root, False)]
    while stack:
        node, inputs_done = stack.pop()
        if id(node) in placed:
            continue
        if inputs_done:
            placed.add(id(node))
            order.append(node)
        else:
            stack.append((node, True))
            # reversed: the first input ends on top of the stack, so inputs are placed in argument order
            stack.extend((parent, False) for parent in reversed(node.parents) if id(parent) not in placed)
    return order


# %% exercise-backward
def backward(root):
    """Add ∂root/∂node to node.grad for every node `root` depends on."""
    root.grad = 1.0
    for node in reversed(topological_order(root)):
        for parent, local in zip(node.parents, node.local):
            parent.grad += local * node.grad
