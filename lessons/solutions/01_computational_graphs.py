# Lesson 01 · Computational graphs: reference solutions.
# Each "# %% <cell id>" section replaces the lesson's cell with that id (see lessons/README.md).

# %% exercise-dq
my_dq_du = -2.0     # one path, through the product: ∂q/∂u = v
my_dq_dv = 4.0      # two paths: u through the product, plus 1 through the sum: 3 + 1
