# Lesson 10 · Static graphs: reference solutions.
# Each "# %% <cell id>" section replaces the lesson's cell with that id (see lessons/README.md).

# %% exercise-fusion
v = tg.randn(3, 5)


def small(x):
    return ((x * 2 + 1).relu() @ v).sigmoid()


answer = 3  # mul, add and relu fuse into one node; the matmul; the sigmoid after it
