# Lesson 02 · Watching backpropagation: reference solutions.
# Each "# %% <cell id>" section replaces the lesson's cell with that id (see lessons/README.md).

# %% exercise-events
my_step_y = 9               # steps 0-4 forward, 5 is ∂f/∂f = 1, then a (6), z (7), x (8), y (9)
my_grad_y = -4.0            # the + node passes ∂f/∂a = z = -4 on unchanged
my_grad_w_after_two = 4.0   # 1 from the sum edge, then 3 (the other factor, w) from one product edge
