"""einsum: forward and every operand's gradient against PyTorch for the common forms (matmul-like,
batched, transposes, traces/diagonals, reductions, "...", implicit output), and its errors."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
from tests.test_conv_oracle import DEVICES, check_against_torch, check_central_differences

CASES = [
    ("ij,jk->ik", [(3, 4), (4, 5)]), ("ij,jk", [(3, 4), (4, 5)]), ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("ij->ji", [(3, 4)]), ("ii->", [(4, 4)]), ("ii->i", [(4, 4)]), ("ii", [(4, 4)]), ("ij->", [(3, 4)]),
    ("ij->j", [(3, 4)]), ("i,i->", [(5,), (5,)]), ("i,j->ij", [(3,), (4,)]), ("iij->j", [(3, 3, 2)]),
    ("iji->j", [(3, 2, 3)]), ("...ij,...jk->...ik", [(2, 1, 3, 4), (5, 4, 2)]),
    ("...ij,...jk", [(2, 3, 4), (4, 2)]), ("i...->...", [(2, 3, 4)]),
    ("bhqd,bhkd->bhqk", [(2, 3, 4, 5), (2, 3, 6, 5)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]), ("i,i,i->i", [(3,), (3,), (3,)]),
    ("ab,b->ab", [(3, 1), (4,)]),
    ("ij , jk -> ki", [(3, 4), (4, 5)]), ("", [()]), ("i,->i", [(3,), ()]), ("...,...", [(2, 1), (3,)]),
    ("cb,bA", [(2, 3), (3, 4)]), ("ijk->", [(2, 3, 4)]),
]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("equation, shapes", CASES, ids=[c[0] for c in CASES])
def test_einsum_matches_torch(device, equation, shapes):
    rng = np.random.default_rng(len(equation))
    arrays = [rng.standard_normal(s) for s in shapes]
    check_against_torch(lambda *t: tg.einsum(equation, *t), lambda *t: torch.einsum(equation, *t),
                        arrays, device)


@settings(max_examples=30, deadline=None)
@given(batch=st.lists(st.integers(1, 3), max_size=2), m=st.integers(1, 4), k=st.integers(1, 4),
       n=st.integers(1, 4), squeeze=st.booleans(), seed=st.integers(0, 2**16))
def test_einsum_batched_matmul_with_broadcasting(batch, m, k, n, squeeze, seed):
    rng = np.random.default_rng(seed)
    other = [1 if squeeze and i == 0 else b for i, b in enumerate(batch)]
    arrays = [rng.standard_normal((*batch, m, k)), rng.standard_normal((*other, k, n))]
    check_against_torch(lambda a, b: tg.einsum("...mk,...kn->...mn", a, b),
                        lambda a, b: torch.einsum("...mk,...kn->...mn", a, b), arrays, seed=seed)


@st.composite
def random_equations(draw):
    """1-3 operands over letters a-d (repeats allowed: diagonals), any subset of letters kept, any order."""
    sizes = {c: draw(st.integers(1, 3)) for c in "abcd"}
    sides = draw(st.lists(st.text("abcd", max_size=3), min_size=1, max_size=3))
    used = sorted(set("".join(sides)))
    output = draw(st.permutations(used).flatmap(lambda p: st.integers(0, len(p)).map(lambda n: p[:n])))
    return ",".join(sides) + "->" + "".join(output), [tuple(sizes[c] for c in side) for side in sides]


@settings(max_examples=40, deadline=None)
@given(case=random_equations(), seed=st.integers(0, 2**16))
def test_einsum_random_equations_match_torch(case, seed):
    equation, shapes = case
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(s) for s in shapes]
    check_against_torch(lambda *t: tg.einsum(equation, *t), lambda *t: torch.einsum(equation, *t),
                        arrays, seed=seed)


def test_einsum_gradients_match_central_differences():
    rng = np.random.default_rng(5)
    arrays = [rng.standard_normal((3, 3, 2)), rng.standard_normal((2, 4)), rng.standard_normal(4)]
    check_central_differences(lambda a, b, c: tg.einsum("iij,jk,k->ik", a, b, c), arrays)


def test_einsum_accepts_a_list_of_operands():
    a, b = tg.ones(2, 3), tg.ones(3, 4)
    assert tg.einsum("ij,jk->ik", [a, b]).tolist() == [[3.0] * 4] * 2


@pytest.mark.parametrize("equation, shapes, message", [
    ("ij,jk", [(3, 4), (5, 6)], "einsum: 'j' has size 4 in one operand and 5 in operand 1 of shape"),
    ("ij", [(3,)], "einsum: operand 0 subscripts 'ij' name 2 dimensions, but the operand has 1"),
    ("ij->k", [(3, 4)], "einsum: output letter 'k' of 'ij->k' appears in no input"),
    ("ij->ii", [(3, 4)], "einsum: output letter 'i' of 'ij->ii' appears more than once"),
    ("ii", [(3, 4)], r"einsum: operand 0 of shape \(3, 4\) repeats 'i' over dimensions of sizes 3 and 4"),
    ("ij,jk", [(3, 4)], r"einsum: equation 'ij,jk' has 2 operand\(s\), but 1 tensor\(s\) were given"),
    ("i1", [(3, 4)], "einsum: operand 0 subscripts 'i1' may hold letters"),
    ("ij->...", [(3, 4)], "has '...' in the output but not in any input"),
    ("...ijk", [(3, 4)], "name more dimensions than the operand's 2"),
])
def test_einsum_errors_name_the_problem(equation, shapes, message):
    with pytest.raises(ValueError, match=message):
        tg.einsum(equation, *[tg.zeros(*s) for s in shapes])


def test_einsum_type_errors():
    with pytest.raises(TypeError, match="einsum: operands must share one dtype, got float32, float64"):
        tg.einsum("i,i", tg.zeros(2), tg.zeros(2, dtype="float64"))
    with pytest.raises(TypeError, match="einsum: expected operand 1 to be a Tensor, got list"):
        tg.einsum("i,i", tg.zeros(2), [1.0, 2.0])
    with pytest.raises(TypeError, match="einsum: the equation must be a string, got int"):
        tg.einsum(3, tg.zeros(2))


def test_einsum_node_explains_each_operands_local_derivative():
    a, b = tg.ones(2, 3, requires_grad=True), tg.ones(3, 4, requires_grad=True)
    op = tg.einsum("ij,jk", a, b)._op
    assert op.attrs == {"equation": "ij,jk->ik"}
    assert op.local == ("einsum(ik,jk->ij: g, b)", "einsum(ik,ij->jk: g, a)")
