"""One time step of an RNN, LSTM or GRU as ONE op each, forward and backward side by side.

Why fused: a cell written with Tensor methods is about 15 graph nodes per time step (a matmul, slices,
three sigmoids, products and sums), and in a 50-step sequence the per-node cost, not the arithmetic,
is what a step costs. As one op, a step is one node, and its backward is the chain rule through the
cell written out once, below, on whole arrays.

Inputs, for a batch of N and hidden size H (G = 1, 4 or 3 gate blocks):
  xw   (N, G*H)  the input's share x_t Wᵢₕᵀ + bᵢₕ, computed for every time step by ONE matrix multiply
                 before the loop over time (only the recurrent part has to wait for the previous step).
                 For the RNN and LSTM, whose gates only ever see bᵢₕ + bₕₕ, it holds bₕₕ too.
  h    (N, H)    the previous hidden state; the LSTM takes (2, N, H): h and the cell state c stacked
  w_hh (G*H, H), and for the GRU b_hh (G*H,) unless the layer has bias=False (its reset gate
                 multiplies the recurrent part of n, bias included, so that bias stays in the cell)
Gate order as in PyTorch's weights: LSTM i, f, g, o; GRU r, z, n.

The LSTM and GRU backward need the gate activations. The forward keeps them for the backward of the
same inputs (as PyTorch keeps "saved tensors"): recomputing them would cost a quarter of the matrix
multiplies of a step. Where they are missing (another caller, or create_graph=True, whose inputs are
Tensors) the backward recomputes them, so results depend only on the inputs and attrs. The backward
formulas use operators and `xp` functions only: with create_graph=True they build a differentiable
graph (second derivatives).
"""

from typing import Callable

from .base import Op, call
from .shape import Cat, Stack


def _sigmoid(xp, x):
    """1/(1+e^-x) as (1 + tanh(x/2)) / 2: the same value, and it never overflows (as ops.Sigmoid)."""
    return 0.5 * (1 + xp.tanh(0.5 * x))


class _Cell(Op):
    """A cell op, which a layer may hand Wₕₕᵀ laid out row by row (`with_transposed`).

    Why: for matrices this small, BLAS multiplies h by a contiguous copy of Wₕₕᵀ 2-3x faster than by
    the transposed view `w.T` (OpenBLAS, 32x64 by 64x64..256), and the backward's d Wₕₕ wants Wₕₕ as
    it is; so a layer makes the copy once per sequence and hands it to every step's forward."""

    __slots__ = ("_transposed",)

    def __init__(self, **attrs):
        super().__init__(**attrs)
        self._transposed = None

    def with_transposed(self, w, w_t) -> "_Cell":
        """Use w_t (a contiguous copy of wᵀ) in the next forward whose weight is the array `w` itself.
        The forward lets go of it (static graphs build their ops afresh and never see it), so results
        never depend on it."""
        self._transposed = (w, w_t)
        return self

    def _recurrent(self, h, w, b=None):
        """h Wₕₕᵀ (+ bₕₕ): the part of the gates that depends on the previous step."""
        given, self._transposed = self._transposed, None
        w_t = given[1] if given is not None and given[0] is w else w.T
        return h @ w_t if b is None else h @ w_t + b


class RNNCell(_Cell):
    """h' = tanh(xw + h Wₕₕᵀ) (or relu, attrs nonlinearity="relu"); xw holds both biases."""

    __slots__ = ()
    name = "rnn_cell"
    local = ("1 - h'² (tanh) or [h' > 0] (relu)", "(…) Wₕₕ", "(…)ᵀ h")
    uses_needs = True

    def forward(self, xp, xw, h, w):
        pre = xw + self._recurrent(h, w)
        return xp.tanh(pre) if self.attrs["nonlinearity"] == "tanh" else xp.maximum(pre, 0)

    def backward(self, xp, g, xw, h, w, *, out, needs):
        d = g * (1 - out * out) if self.attrs["nonlinearity"] == "tanh" else g * (out > 0)
        return d, (d @ w if needs[1] else None), d.T @ h


class _SavesGates(_Cell):
    """A cell op that keeps its forward's gate activations for the backward of the same inputs."""

    __slots__ = ("_saved",)
    gates: Callable[..., tuple]        # (xp, xw, state, weights...) -> the activations the backward needs

    def __init__(self, **attrs):
        super().__init__(**attrs)
        self._saved = None

    def _gates_for(self, xp, xw, state, *weights) -> tuple:
        saved = self._saved
        if saved is not None and saved[0] is xw and saved[1] is state:
            return saved[2]
        return self.gates(xp, xw, state, *weights)


class LSTMCell(_SavesGates):
    """(h', c') from (h, c), stacked as (2, N, H): c' = f c + i g, h' = o tanh(c'), with gates
    i, f, o = sigmoid(…) and g = tanh(…) of xw + h Wₕₕᵀ (in that order along the rows of Wₕₕ)."""

    __slots__ = ()
    name = "lstm_cell"
    local = ("d(gates)", "(d(gates) Wₕₕ, f)", "d(gates)ᵀ h")
    uses_needs = True

    def gates(self, xp, xw, hc, w) -> tuple:
        """i, f, g, o, and tanh(c') (which the backward needs as well)."""
        hidden = hc.shape[-1]
        z = xw + self._recurrent(hc[0], w)
        i, f = _sigmoid(xp, z[:, :hidden]), _sigmoid(xp, z[:, hidden : 2 * hidden])
        g, o = xp.tanh(z[:, 2 * hidden : 3 * hidden]), _sigmoid(xp, z[:, 3 * hidden :])
        c = f * hc[1] + i * g
        return i, f, g, o, c, xp.tanh(c)

    def forward(self, xp, xw, hc, w):
        gates = self.gates(xp, xw, hc, w)
        self._saved = (xw, hc, gates)
        _, _, _, o, c, tanh_c = gates
        return xp.stack((o * tanh_c, c))

    def backward(self, xp, grad, xw, hc, w, *, out, needs):
        i, f, g, o, _, tanh_c = self._gates_for(xp, xw, hc, w)
        dh = grad[0]
        dc = grad[1] + dh * o * (1 - tanh_c * tanh_c)             # c' reaches the loss directly and via h'
        d = call(xp, Cat(axis=1), dc * g * i * (1 - i), dc * hc[1] * f * (1 - f),
                 dc * i * (1 - g * g), dh * tanh_c * o * (1 - o))
        dhc = call(xp, Stack(axis=0), d @ w, dc * f) if needs[1] else None
        return d, dhc, d.T @ hc[0]


class GRUCell(_SavesGates):
    """h' = (1 - z) n + z h, with r, z = sigmoid(xw + h Wₕₕᵀ + bₕₕ) (blocks 1, 2) and
    n = tanh(xw₃ + r (h Wₕₙᵀ + bₕₙ)): the reset gate scales the recurrent part of n only."""

    __slots__ = ()
    name = "gru_cell"
    local = ("d(gates)", "d(recurrent) Wₕₕ + z", "d(recurrent)ᵀ h", "d(recurrent) summed over the batch")
    uses_needs = True

    def gates(self, xp, xw, h, w, b=None) -> tuple:
        """r, z, n and the recurrent part of n (h Wₕₙᵀ + bₕₙ), which the backward needs too."""
        hidden = h.shape[-1]
        recurrent = self._recurrent(h, w, b)
        r = _sigmoid(xp, xw[:, :hidden] + recurrent[:, :hidden])
        z = _sigmoid(xp, xw[:, hidden : 2 * hidden] + recurrent[:, hidden : 2 * hidden])
        recurrent_n = recurrent[:, 2 * hidden :]
        return r, z, xp.tanh(xw[:, 2 * hidden :] + r * recurrent_n), recurrent_n

    def forward(self, xp, xw, h, w, b=None):
        gates = self.gates(xp, xw, h, w, b)
        self._saved = (xw, h, gates)
        _, z, n, _ = gates
        return n + z * (h - n)

    def backward(self, xp, grad, xw, h, w, b=None, *, out, needs):
        r, z, n, recurrent_n = self._gates_for(xp, xw, h, w, b)
        dn = grad * (1 - z) * (1 - n * n)                            # through n's tanh
        dr = dn * recurrent_n * r * (1 - r)
        dz = grad * (h - n) * z * (1 - z)
        dxw = call(xp, Cat(axis=1), dr, dz, dn)
        d = call(xp, Cat(axis=1), dr, dz, dn * r)                   # the recurrent part's gradient
        dh = d @ w + grad * z if needs[1] else None
        return (dxw, dh, d.T @ h) if b is None else (dxw, dh, d.T @ h, d.sum(axis=0))
