# Lesson 07 · Optimizers: reference solutions.
# Each "# %% <cell id>" section replaces the lesson's cell with that id (see lessons/README.md).

# %% exercise-rates
largest_stable_lr = 2 / 50         # |1 - 50·lr| < 1 ends at lr = 2/50
momentum_step = 0.01 / (1 - 0.9)   # steady state: buf = 0.9·buf + 1, so the step is lr / (1 - μ)
first_adam_step = 0.05             # bias correction: m̂ = g, v̂ = g², so the first step is lr · g / |g|
