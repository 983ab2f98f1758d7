# Lesson 05 · Tensors and broadcasting: reference solutions.
# Each "# %% <cell id>" section replaces the lesson's cell with that id (see lessons/README.md).

# %% exercise-shapes
shape_a = (2, 3)        # (3,) is read as (1, 3)
shape_b = (5, 3, 4)     # (5, 1, 4) and (1, 3, 1)
shape_c = "error"       # 3 and 2 differ and neither is 1
shape_d = (8, 7, 6, 5)  # (8, 1, 6, 1) and (1, 7, 1, 5)

# %% exercise-unbroadcast
def unbroadcast(grad, shape):
    """Sum `grad` down to `shape` (the shape of an input that broadcasting stretched to grad.shape)."""
    lead = grad.ndim - len(shape)
    grad = grad.sum(axis=tuple(range(lead)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    return grad.sum(axis=stretched, keepdims=True)
