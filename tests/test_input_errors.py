"""Each bad input named in the hardening issue gets the library's own clear error, where the mistake is
made: the function or layer, what it expected and what it got."""
import datetime
import warnings

import numpy as np
import pytest
import torch
from own_errors import assert_own_error

import tinygrad_edu as tg
from tinygrad_edu import nn
from tinygrad_edu.errors import ShapeError


def _hook_returning(value):
    def run():
        x = tg.randn(3, requires_grad=True)
        y = x * 2
        y.name = "doubled"
        y.register_hook(lambda g: value)
        y.sum().backward()
    return run


CASES = {
    # Tensor(...) refuses what is not numbers, and ragged lists, with its own message
    "object array": (lambda: tg.tensor(np.array([{}], dtype=object)), TypeError, "Tensor: .*Python objects"),
    "string array": (lambda: tg.Tensor(np.array(["a", "b"])), TypeError,
                     r"Tensor: .*strings \(NumPy dtype <U1\)"),
    "datetime array": (lambda: tg.tensor(np.array([datetime.date(2024, 1, 1)], dtype="datetime64[D]")),
                       TypeError, "datetimes"),
    "timedelta array": (lambda: tg.tensor(np.array([1], dtype="timedelta64[s]")), TypeError, "time deltas"),
    "complex array": (lambda: tg.tensor(np.array([1j])), TypeError, "complex numbers .not supported yet"),
    "complex list": (lambda: tg.tensor([1 + 2j]), TypeError, "Tensor: cannot make a tensor from list"),
    "string": (lambda: tg.tensor("3"), TypeError, "Tensor: cannot make a tensor from str"),
    "None": (lambda: tg.tensor(None), TypeError, "from NoneType"),
    "structured": (lambda: tg.tensor(np.zeros(2, dtype=[("a", "f4")])), TypeError, "structured records"),
    "complex dtype argument": (lambda: tg.tensor([1.0], dtype="complex64"), TypeError, "of dtype complex64"),
    "complex zeros": (lambda: tg.zeros(2, dtype=complex), TypeError, "zeros: .*complex"),
    "complex cast": (lambda: tg.ones(2).to("complex64"), TypeError, "to: .*complex"),
    "from_numpy strings": (lambda: tg.from_numpy(np.array(["a"])), TypeError, "from_numpy: .*strings"),
    "data setter": (lambda: setattr(tg.ones(1), "data", np.array([object()])), TypeError, "Tensor.data"),
    "ragged list": (lambda: tg.tensor([[1, 2], [3]]), ValueError,
                    r"Tensor: expected sequence of length 2 at dim 1 \(got 1\)"),
    "deeper ragged": (lambda: tg.tensor([[[1], [2]], [[3], [4, 5]]]), ValueError, "length 1 at dim 2 .got 2"),
    "mixed nesting": (lambda: tg.tensor([[1, 2], 3]), ValueError, "mix numbers and sequences at dim 1"),
    # sizes and dims must be integers
    "zeros(2.5)": (lambda: tg.zeros(2.5), TypeError,
                   "zeros: shape must be an int or a sequence of ints, got 2.5"),
    "ones((2, 2.5))": (lambda: tg.ones((2, 2.5)), TypeError, r"ones: shape .* got \(2, 2.5\)"),
    "randn(2, '3')": (lambda: tg.randn(2, "3"), TypeError, "randn: shape"),
    "zeros(-1)": (lambda: tg.zeros(2, -1), ShapeError,
                  r"zeros: invalid size -1 in shape \(2, -1\): sizes must"),
    "sum(dim=1.5)": (lambda: tg.zeros(2, 3).sum(dim=1.5), TypeError, "sum: dim must be an int .* got 1.5"),
    "mean(dim=(0, 0.5))": (lambda: tg.zeros(2, 3).mean(dim=(0, 0.5)), TypeError, r"mean: dim .*\(0, 0.5\)"),
    "unsqueeze(1.5)": (lambda: tg.zeros(2).unsqueeze(1.5), TypeError, "unsqueeze: dim"),
    "softmax(dim='x')": (lambda: tg.zeros(2).softmax(dim="x"), TypeError, "softmax: dim"),
    "split(2.5)": (lambda: tg.zeros(4).split(2.5), TypeError, "split: split_size_or_sections"),
    "chunk(1.5)": (lambda: tg.zeros(4).chunk(1.5), TypeError, "chunk: chunks must be an int"),
    "permute(0.5, 1)": (lambda: tg.zeros(2, 2).permute(0.5, 1), TypeError, "permute: dims"),
    "reshape(-2, -3)": (lambda: tg.zeros(6).reshape(-2, -3), ShapeError,
                        r"reshape: invalid size -2 in shape \(-2, -3\): only -1"),
    "reshape(-1, -1)": (lambda: tg.zeros(6).reshape(-1, -1), ShapeError, "only one dimension can be -1"),
    "view(2.5, 2)": (lambda: tg.zeros(6).view(2.5, 2), TypeError, "reshape: shape"),
    "expand(-2)": (lambda: tg.zeros(1).expand(-2), ShapeError, "expand: invalid size -2"),
    "repeat(-1)": (lambda: tg.zeros(1).repeat(-1), ShapeError, "repeat: invalid size -1"),
    # a hook returning the wrong gradient is named
    "hook wrong shape": (_hook_returning(tg.zeros(5)), ShapeError,
                         r"backward: hook .*<lambda> on tensor 'doubled' of shape \(3,\) .*returned a "
                         r"gradient of shape \(5,\)"),
    "hook not a tensor": (_hook_returning(np.zeros(3)), TypeError, "backward: hook .* returned ndarray"),
    # layers check their input's rank and features, and their own sizes
    "Linear on 0-d": (lambda: nn.Linear(3, 4)(tg.tensor(1.0)), ShapeError,
                      r"linear: expected an input of shape \(\.\.\., 3\), got a 0-d tensor"),
    "Linear wrong features": (lambda: nn.Linear(3, 4)(tg.zeros(2, 5)), ShapeError,
                              "linear: input has 5 features"),
    "Linear(2.5, 3)": (lambda: nn.Linear(2.5, 3), TypeError, "Linear: in_features must be an int, got 2.5"),
    "Linear(-1, 3)": (lambda: nn.Linear(-1, 3), ValueError, "Linear: in_features must be at least 0, got -1"),
    "Flatten on 0-d": (lambda: nn.Flatten()(tg.tensor(1.0)), IndexError,
                       r"Flatten: start_dim=1, end_dim=-1 are out of range for an input of shape \(\)"),
    "Flatten on 1-d": (lambda: nn.Flatten()(tg.zeros(3)), IndexError, "Flatten: "),
    "Conv1d channels": (lambda: nn.Conv1d(3, 4, 3)(tg.zeros(2, 5, 7)), ShapeError,
                        r"conv1d: input \(2, 5, 7\) has 5 channels, but weight \(4, 3, 3\)"),
    "Conv1d too short": (lambda: nn.Conv1d(3, 4, 3)(tg.zeros(2, 3, 2)), ShapeError,
                         r"conv1d: kernel size 3 .* padded input length 2 \(input \(2, 3, 2\)\)"),
    "Conv1d rank": (lambda: nn.Conv1d(3, 4, 3)(tg.zeros(3)), ShapeError,
                    r"conv1d: expected input .* got \(3,\)"),
    "Conv1d stride 0": (lambda: nn.Conv1d(3, 4, 3, stride=0)(tg.zeros(1, 3, 7)), ValueError,
                        "conv1d: stride must be an int >= 1, got 0"),
    "Conv1d int input": (lambda: nn.Conv1d(3, 4, 3)(tg.zeros(1, 3, 7, dtype=tg.int64)), TypeError,
                         "conv1d: .*floating point dtype"),
    "Conv1d same stride 2": (lambda: nn.Conv1d(3, 4, 3, stride=2, padding="same")(tg.zeros(1, 3, 7)),
                             ValueError, "conv1d: padding must be"),
    "Conv2d kernel 2.5": (lambda: nn.Conv2d(3, 4, 2.5), TypeError, "Conv2d: kernel_size must be an int"),
    "Conv2d kernel 0": (lambda: nn.Conv2d(3, 4, 0), ValueError, "Conv2d: kernel_size must be an int >= 1"),
    "LSTM empty sequence": (lambda: nn.LSTM(3, 4)(tg.zeros(0, 2, 3)), ShapeError,
                            r"LSTM: expected a sequence of at least one time step, got input of shape "
                            r"\(0, 2, 3\)"),
    "GRU empty batch_first": (lambda: nn.GRU(3, 4, batch_first=True)(tg.zeros(2, 0, 3)), ShapeError,
                              r"GRU: expected a sequence .*\(2, 0, 3\) \(batch_first\)"),
    "LSTM bad hx": (lambda: nn.LSTM(3, 4)(tg.zeros(2, 1, 3), tg.zeros(1, 1, 4)), TypeError,
                    r"LSTM: the initial state must be a pair \(h_0, c_0\)"),
    "RNN(3, 2.5)": (lambda: nn.RNN(3, 2.5), TypeError, "RNN: hidden_size must be an int"),
    "RNN dropout 2": (lambda: nn.RNN(3, 3, dropout=2), ValueError, r"RNN: dropout must be a probability"),
    "Embedding(2.5, 3)": (lambda: nn.Embedding(2.5, 3), TypeError,
                          "Embedding: num_embeddings must be an int"),
    "BatchNorm1d(2.5)": (lambda: nn.BatchNorm1d(2.5), TypeError, "BatchNorm1d: num_features must be an int"),
    "LayerNorm(2.5)": (lambda: nn.LayerNorm(2.5), TypeError, "LayerNorm: normalized_shape must be"),
    "MultiheadAttention(4, 0)": (lambda: nn.MultiheadAttention(4, 0), ValueError,
                                 "MultiheadAttention: num_heads must be at least 1"),
    # found by the fuzz tests (tests/test_fuzz_ops.py): each was NumPy's or Python's error before
    "and on floats": (lambda: tg.ones(2) & tg.ones(2), TypeError, "and: expected bool or integer operands"),
    "or with a float": (lambda: tg.ones(2, dtype=tg.int64) | 1.5, TypeError, "or: .*got a float"),
    "bool minus bool": (lambda: tg.ones(2, dtype=tg.bool_) - tg.ones(2, dtype=tg.bool_), TypeError,
                        "sub: the - operator is not defined for two bool operands"),
    "negative bool": (lambda: -tg.ones(2, dtype=tg.bool_), TypeError, "neg: .*bool tensors; .* use ~"),
    "cat of 0-d": (lambda: tg.cat([tg.tensor(1.0), tg.tensor(2.0)]), ShapeError, "cat: 0-d tensors .* stack"),
    "split of 0-d": (lambda: tg.tensor(1.0).split(1), ShapeError, "split: expected a tensor with at least 1"),
    "index_select of 0-d": (lambda: tg.tensor(1.0).index_select(0, tg.tensor([0])), ShapeError,
                            "index_select: expected a tensor with at least 1"),
    "expand -1 leading": (lambda: tg.zeros(3).expand(-1, 3), ShapeError,
                          "expand: -1 .* cannot stand for a new leading dimension"),
    "index out of range": (lambda: tg.zeros(2, 3)[2], IndexError,
                           r"getitem: index 2 is out of bounds .* \(indexing a tensor of shape \(2, 3\)\)"),
    "too many indices": (lambda: tg.tensor(1.0)[0], IndexError, "getitem: too many indices"),
    "argmax(dim=())": (lambda: tg.zeros(2).argmax(dim=()), TypeError,
                       r"argmax: expected one dim \(an int\), got \(\)"),
    "cross_entropy on 0-d": (lambda: nn.functional.cross_entropy(tg.tensor(1.0), tg.tensor(0)), ShapeError,
                             "cross_entropy: expected an input of shape"),
    "bilinear on 0-d": (lambda: nn.Bilinear(1, 1, 2)(tg.tensor(1.0), tg.tensor(1.0)), ShapeError,
                        "bilinear: expected inputs"),
    "add a string": (lambda: tg.ones(2) + "x", TypeError, "add: expected a Tensor, a Python number"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_gets_a_clear_error_where_the_mistake_is_made(case):
    run, error, message = CASES[case]
    with pytest.raises(error, match=message) as info:
        run()
    assert_own_error(info.value)


def test_what_pytorch_accepts_still_works():
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        empty_in = nn.Linear(0, 3)  # builds as in PyTorch (which warns the same way)
    out = empty_in(tg.zeros(2, 0))
    np.testing.assert_array_equal(out.array, np.zeros((2, 3)))  # no inputs: the bias, which starts at 0
    with pytest.warns(UserWarning, match="zero-element"):
        assert nn.Linear(3, 0)(tg.ones(2, 3)).shape == (2, 0)
    assert nn.Flatten(0)(tg.tensor(5.0)).shape == (1,)  # torch.flatten of a 0-d tensor has one element
    assert nn.Flatten()(tg.zeros(2, 3, 4)).shape == (2, 12)
    conv = nn.Conv1d(3, 4, 3, padding=(1,))
    assert conv(tg.zeros(3, 7)).shape == (4, 7)  # an unbatched (C, L) sequence, as PyTorch accepts
    assert conv(tg.zeros(2, 3, 7)).shape == (2, 4, 7)
    assert nn.Conv1d(3, 4, (3,), padding="same")(tg.zeros(1, 3, 5)).shape == (1, 4, 5)
    assert tg.zeros(np.int64(2), 3).shape == (2, 3) and tg.zeros((2, 0)).shape == (2, 0)
    assert tg.zeros(6).reshape(-1, 3).shape == (2, 3) and tg.zeros(1, 3).expand(2, -1).shape == (2, 3)
    assert tg.ones(2, 3).sum(dim=np.int64(1)).shape == (2,) and tg.ones(2, 3).sum(dim=[0, 1]).shape == ()
    assert tg.tensor([[1, 2], [3, 4]]).shape == (2, 2) and tg.tensor([]).shape == (0,)
    x = tg.randn(3, requires_grad=True)
    y = x * 2
    y.register_hook(lambda g: g * 0)  # a hook returning a gradient of the right shape replaces it
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.array, np.zeros(3))


def test_edge_cases_the_fuzzer_found_give_pytorchs_results():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        x = tg.randn(3, 0)
        assert tg.zeros(3, 0).softmax(dim=1).shape == (3, 0)
        np.testing.assert_array_equal(x.logsumexp(dim=1).array, torch.zeros(3, 0).logsumexp(1).numpy())
        one = tg.tensor([1.5], requires_grad=True)
        one.var().backward()  # no degrees of freedom: NaN value and gradient, as in PyTorch
        assert np.isnan(one.grad.array).all()
    m = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert float(m.sum(dim=())) == 10.0 and m.amax(dim=()).shape == ()  # PyTorch: dim=() is every dim
    assert [c.shape for c in tg.zeros(0, 3).chunk(2)] == [(0, 3), (0, 3)]
    filled = tg.tensor([1, 2]).masked_fill(tg.tensor([True, False]), 1.5)
    assert filled.dtype == tg.int64 and filled.tolist() == [1, 2]  # keeps the tensor's dtype
    assert tg.tensor([True, False]).square().dtype == tg.int64
    assert tg.tensor([True, False]).sign().tolist() == [True, False]
    assert tg.pad(tg.tensor(1.0), ()).shape == ()
    assert nn.BatchNorm2d(0)(tg.zeros(2, 0, 3, 3)).shape == (2, 0, 3, 3)
    assert (tg.tensor([1, 6]) & 3).tolist() == torch.tensor([1, 6]).bitwise_and(3).tolist()
