"""RNN, LSTM and GRU, written as a plain Python loop over time steps.

That loop is the point: the graph is built step by step as the data flows (define-by-run), so a
drawing of a 5-step LSTM shows the 5 copies of the cell. Each layer's input projection x Wᵢₕᵀ is
done for all time steps in one matrix product; only the recurrent part runs per step, as one fused
op per cell (`ops.recurrent`: the cell's forward and backward written out, one graph node a step).
"""
import math

from ..backend import xp_of
from ..errors import ShapeError
from ..ops.recurrent import GRUCell, LSTMCell, RNNCell
from ..tensor import Tensor, apply, cat, dropout, expect_tensor, stack
from ..tensor.args import int_arg
from . import init
from .linear import empty_parameter
from .module import Module


class _RNNBase(Module):
    """Parameters named like PyTorch's (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, ...)."""

    gates = 1
    cell_takes_bias = False        # True where the cell needs b_hh apart from b_ih (the GRU)
    # Each layer gives cell_op() (a fresh op for one time step, from ops.recurrent) and
    # cell(op, xw, state, *recurrent) (one step: returns the next state and the step's output).

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False):
        super().__init__()
        name = type(self).__name__
        if not isinstance(num_layers, int) or num_layers < 1:
            raise ValueError(f"{name}: num_layers must be a positive int, got {num_layers!r}")
        input_size = int_arg(input_size, name, "input_size", minimum=1)
        hidden_size = int_arg(hidden_size, name, "hidden_size", minimum=1)
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout <= 1:
            raise ValueError(f"{name}: dropout must be a probability in [0, 1], got {dropout!r}")
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, dropout
        self.bidirectional, self.directions = bidirectional, 2 if bidirectional else 1
        rows = self.gates * hidden_size
        for layer in range(num_layers):
            width = input_size if layer == 0 else hidden_size * self.directions
            for suffix in self._suffixes(layer):
                setattr(self, f"weight_ih{suffix}", empty_parameter(rows, width))
                setattr(self, f"weight_hh{suffix}", empty_parameter(rows, hidden_size))
                if bias:
                    setattr(self, f"bias_ih{suffix}", empty_parameter(rows))
                    setattr(self, f"bias_hh{suffix}", empty_parameter(rows))
        bound = 1 / math.sqrt(hidden_size)
        for p in self.parameters():
            init.uniform_(p, -bound, bound)

    def _suffixes(self, layer):
        """Parameter name endings of a layer's directions: "_l0", and "_l0_reverse" if bidirectional."""
        return [f"_l{layer}", f"_l{layer}_reverse"][:self.directions]

    def _params(self, suffix):
        """(weight_ih, weight_hh, bias_ih, bias_hh) of one layer and direction; biases None if bias=False."""
        weights = getattr(self, f"weight_ih{suffix}"), getattr(self, f"weight_hh{suffix}")
        if not self.bias:
            return (*weights, None, None)
        return (*weights, getattr(self, f"bias_ih{suffix}"), getattr(self, f"bias_hh{suffix}"))

    def _prepare(self, x):
        """Return input as (L, N, H_in) and whether it was unbatched."""
        name = type(self).__name__
        expect_tensor(x, name)
        if x.ndim not in (2, 3) or x.shape[-1] != self.input_size:
            raise ShapeError(f"{name}: expected input (L, N, {self.input_size}) (or batch_first or "
                             f"unbatched), got shape {tuple(x.shape)}")
        if x.shape[1 if self.batch_first and x.ndim == 3 else 0] == 0:
            raise ShapeError(f"{name}: expected a sequence of at least one time step, got input of shape "
                             f"{x.shape}{' (batch_first)' if self.batch_first else ''}")
        if x.ndim == 2:
            return x.reshape(x.shape[0], 1, x.shape[1]), True
        return (x.transpose(0, 1) if self.batch_first else x), False

    def _initial(self, hx, batch, like, unbatched):
        """A (num_layers * directions, N, H) initial state: the given one (checked) or zeros."""
        shape = (self.num_layers * self.directions, batch, self.hidden_size)
        if hx is None:
            return Tensor(xp_of(like.array).zeros(shape, dtype=like.array.dtype))
        hx = hx.reshape(shape[0], 1, self.hidden_size) if unbatched and hx.ndim == 2 else hx
        if tuple(hx.shape) != shape:
            raise ValueError(f"{type(self).__name__}: expected initial state of shape {shape}, "
                             f"got {tuple(hx.shape)}")
        return hx

    def _direction(self, x, state, suffix, reverse):
        """One direction of one layer: the Python loop over time steps. Returns (outputs, final state)."""
        w_ih, w_hh, b_ih, b_hh = self._params(suffix)
        steps, batch = x.shape[0], x.shape[1]
        projected = (x.reshape(steps * batch, x.shape[2]) @ w_ih.T).reshape(steps, batch, w_ih.shape[0])
        recurrent = (w_hh,)
        if b_ih is not None and self.cell_takes_bias:
            projected, recurrent = projected + b_ih, (w_hh, b_hh)
        elif b_ih is not None:                      # the gates only see b_ih + b_hh: add both here, once
            projected = projected + (b_ih + b_hh)
        w_t = xp_of(w_hh.array).ascontiguousarray(w_hh.array.T)    # for the cells' forward (ops.recurrent)
        outputs = []
        for t in (range(steps - 1, -1, -1) if reverse else range(steps)):
            op = self.cell_op().with_transposed(w_hh.array, w_t)
            state, h = self.cell(op, projected[t], state, *recurrent)
            outputs.append(h)
        return stack(outputs[::-1] if reverse else outputs, 0), state

    def _run(self, x, unbatched, initial):
        """Run every layer (and direction) over the sequence; `initial` is a list of states, one per
        layer and direction, in PyTorch's order (layer 0 forward, layer 0 reverse, ...). Returns the
        output sequence and the final states stacked (L*D, N, H), or (L*D, H) for an unbatched input."""
        finals = []
        for layer in range(self.num_layers):
            outputs = []
            for d, suffix in enumerate(self._suffixes(layer)):
                out, state = self._direction(x, initial[layer * self.directions + d], suffix, reverse=d == 1)
                outputs.append(out)
                finals.append(state)
            x = outputs[0] if len(outputs) == 1 else cat(outputs, -1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = dropout(x, self.dropout, True)
        if unbatched:
            x = x.reshape(x.shape[0], x.shape[2])
        out = x.transpose(0, 1) if self.batch_first and not unbatched else x
        stacked = stack(finals, finals[0].ndim - 2)       # (L*D, N, H), or (2, L*D, N, H): LSTM's h and c
        if unbatched:
            stacked = stacked.reshape(*stacked.shape[:-2], self.hidden_size)
        return out, stacked

    def extra_repr(self):
        """PyTorch's format: options appear only when they differ from the defaults."""
        text = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        if not self.bias:
            text += ", bias=False"
        if self.batch_first:
            text += ", batch_first=True"
        text += f", dropout={self.dropout}" if self.dropout else ""
        return text + (", bidirectional=True" if self.bidirectional else "")


class RNN(_RNNBase):
    """h_t = tanh(x_t Wᵢₕᵀ + bᵢₕ + h_{t-1} Wₕₕᵀ + bₕₕ) (or relu with nonlinearity="relu")."""

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", **kwargs):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNN: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        super().__init__(input_size, hidden_size, num_layers, **kwargs)
        self.nonlinearity = nonlinearity

    def cell_op(self):
        return RNNCell(nonlinearity=self.nonlinearity)

    def cell(self, op, xw, h, *recurrent):
        """One time step: the new hidden state is the step's output and the next step's state."""
        h = apply(op, xw, h, *recurrent)
        return h, h

    def forward(self, x, hx=None):
        x, unbatched = self._prepare(x)
        h0 = self._initial(hx, x.shape[1], x, unbatched)
        return self._run(x, unbatched, list(h0))


class LSTM(_RNNBase):
    """Gates i, f, g, o (in that order in the weights); c_t = f c_{t-1} + i g, h_t = o tanh(c_t)."""

    gates = 4

    cell_op = LSTMCell

    def cell(self, op, xw, hc, *recurrent):
        """One time step: the state is h and c stacked, (2, N, H); the output is h."""
        hc = apply(op, xw, hc, *recurrent)
        return hc, hc[0]

    def forward(self, x, hx=None):
        x, unbatched = self._prepare(x)
        if hx is not None and not (isinstance(hx, (tuple, list)) and len(hx) == 2):
            raise TypeError(f"LSTM: the initial state must be a pair (h_0, c_0), got {type(hx).__name__}")
        h0, c0 = (None, None) if hx is None else hx
        h0 = self._initial(h0, x.shape[1], x, unbatched)
        c0 = self._initial(c0, x.shape[1], x, unbatched)
        out, (h_n, c_n) = self._run(x, unbatched, list(stack([h0, c0], 1)))
        return out, (h_n, c_n)


class GRU(_RNNBase):
    """Gates r, z, n: n = tanh(xWₙ + r (hWₕₙ + bₕₙ)), h_t = (1 - z) n + z h_{t-1}."""

    gates = 3
    cell_takes_bias = True

    cell_op = GRUCell

    def cell(self, op, xw, h, *recurrent):
        """One time step: the new hidden state is the step's output and the next step's state."""
        h = apply(op, xw, h, *recurrent)
        return h, h

    def forward(self, x, hx=None):
        x, unbatched = self._prepare(x)
        h0 = self._initial(hx, x.shape[1], x, unbatched)
        return self._run(x, unbatched, list(h0))
