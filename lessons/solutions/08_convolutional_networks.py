# Lesson 08 · Convolutional networks: reference solutions.
# Each "# %% <cell id>" section replaces the lesson's cell with that id (see lessons/README.md).

# %% exercise-im2col
def im2col(image, k):
    """Every k×k window of a 2-D image as one row, in reading order: shape ((H-k+1)·(W-k+1), k·k)."""
    out_h, out_w = image.shape[0] - k + 1, image.shape[1] - k + 1
    rows = [image[i:i + k, j:j + k].ravel() for i in range(out_h) for j in range(out_w)]
    return np.array(rows)


# %% exercise-pool
my_pool_grad = [[0, 0, 0, 0],      # the winners: 4 at (1, 0), 5 at (1, 3), 6 at (2, 2), 7 at (3, 1);
                [1, 0, 0, 2],      # each receives its window's upstream gradient G[i, j]
                [0, 0, 4, 0],
                [0, 3, 0, 0]]
