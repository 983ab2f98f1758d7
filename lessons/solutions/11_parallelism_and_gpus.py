# Lesson 11 · Parallelism and GPUs: reference solutions.
# Each "# %% <cell id>" section replaces the lesson's cell with that id (see lessons/README.md).

# %% exercise-bytes
answer = (64 * 128 + 128 + 128 * 10 + 10) * 4  # 9,610 gradient entries of 4 bytes each
