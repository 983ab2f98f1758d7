# Lesson 12 · Debugging gradients: reference solutions.
# Each "# %% <cell id>" section replaces the lesson's cell with that id (see lessons/README.md).

# %% exercise-numeric
def numeric_grad(f, x, h=1e-6):
    """Central differences: element i of the result is (f(x + h·e_i) - f(x - h·e_i)) / 2h."""
    x = x.astype(np.float64)             # a copy: the caller's array is left alone
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        saved = x[i]
        x[i] = saved + h
        up = f(x)
        x[i] = saved - h
        down = f(x)
        x[i] = saved                     # put it back before the next element
        grad[i] = (up - down) / (2 * h)
    return grad


# %% exercise-diagnose
diagnosis = {"A": "zero_grad", "B": "detached", "C": "saturation", "D": "broadcast"}

# %% exercise-hunt
for op in RULES:
    point = np.array([0.7] if op in ("tanh", "exp", "log", "sigmoid") else [1.5, -0.8])
    engine, numeric = engine_grads(op, *point), numeric_grad(op_as_function(op), point)
    print(f"{op:8s} engine {engine.round(4)}  numeric {numeric.round(4)}",
          "" if np.allclose(engine, numeric, atol=1e-5) else "  <-- disagree")

buggy_op = "/"


def fixed_rule(a, b):
    return 1 / b, -a / b**2
