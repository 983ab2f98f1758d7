# Lesson 04 · From neurons to an MLP: reference solutions.
# Each "# %% <cell id>" section replaces the lesson's cell with that id (see lessons/README.md).

# %% exercise-neuron
my_grad_w1 = 1.0    # ∂o/∂n · ∂n/∂x1w1 · ∂x1w1/∂w1 = (1 - o²) · 1 · x1 = 0.5 · 1 · 2

# %% exercise-sgd
def sgd_step(parameters, lr):
    """Move every parameter one step of size lr against its gradient."""
    for p in parameters:
        p.data -= lr * p.grad
