# Lesson 09 · Dynamic graphs and RNNs: reference solutions.
# Each "# %% <cell id>" section replaces the lesson's cell with that id (see lessons/README.md).

# %% exercise-loop
my_uses_z = 3        # three multiplications by z
my_grad_z = 144.0    # three uses, each handing back a·z·z = 3·16 = 48: ∂f/∂z = 3·a·z² = 144

# %% exercise-bptt
def bptt_grad(w, h0, xs):
    """∂h_T/∂w for h_t = w·h_(t-1) + x_t, by a forward loop and then a backward loop over time."""
    hs = [h0]
    for x in xs:                     # forward: keep every state
        hs.append(w * hs[-1] + x)
    g, dw = 1.0, 0.0                 # g = ∂h_T/∂h_t, starting at t = T
    for t in range(len(xs), 0, -1):  # backward: t = T, ..., 1
        dw += g * hs[t - 1]          # step t uses w once, with local derivative h_(t-1)
        g *= w                       # ∂h_t/∂h_(t-1) = w
    return dw
