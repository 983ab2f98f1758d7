"""autograd.Function: custom ops written as PyTorch writes them become one node of the graph, so they
match PyTorch's results, draw and animate like built-in ops, re-run from their attrs, and give second
derivatives with create_graph."""
import json

import numpy as np
import pytest

import tinygrad_edu as tg

torch = pytest.importorskip("torch")


def _functions(lib):
    class Cube(lib.autograd.Function):
        """x³ with the saved input (a graph node again under create_graph)."""

        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**3

        @staticmethod
        def backward(ctx, grad_output):
            (x,) = ctx.saved_tensors
            return grad_output * 3 * x**2

    class Affine(lib.autograd.Function):
        """(w·x + b)·scale with a constant argument and gradients only where they are needed."""

        @staticmethod
        def forward(ctx, x, w, b, scale):
            ctx.save_for_backward(x, w)
            ctx.scale = scale
            return (x * w + b) * scale

        @staticmethod
        def backward(ctx, g):
            x, w = ctx.saved_tensors
            grad_x = g * w * ctx.scale if ctx.needs_input_grad[0] else None
            grad_w = g * x * ctx.scale if ctx.needs_input_grad[1] else None
            return grad_x, grad_w, g * ctx.scale, None  # grad_b is summed back to b's shape

    class Exp(lib.autograd.Function):
        """PyTorch's example that saves its output (a graph node again under create_graph)."""

        @staticmethod
        def forward(ctx, x):
            result = x.exp()
            ctx.save_for_backward(result)
            return result

        @staticmethod
        def backward(ctx, g):
            (result,) = ctx.saved_tensors
            return g * result

    class Square(lib.autograd.Function):
        """PyTorch's other style: forward without ctx, then setup_context."""

        @staticmethod
        def forward(x):
            return x * x

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(inputs[0])

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g

    return Cube, Affine, Square, Exp


def _program(lib, x, w, b):
    Cube, Affine, Square, Exp = _functions(lib)
    return (Cube.apply(Affine.apply(x, w, b, 0.5)) + Square.apply(x) * Exp.apply(w * 0.3)).sum()


def test_custom_functions_match_pytorch_with_second_derivatives(device):
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(2, 3)), rng.uniform(0.5, 1.5, size=(2, 3)), rng.normal(size=(3,))
    ours = [tg.tensor(a, requires_grad=True, device=device) for a in (x, w, b)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    out, ref = _program(tg, *ours), _program(torch, *theirs)
    assert out.item() == pytest.approx(ref.item(), rel=1e-12)
    first = tg.grad(out, ours, create_graph=True)
    expected = torch.autograd.grad(ref, theirs, create_graph=True)
    for g, e in zip(first, expected):
        np.testing.assert_allclose(g.numpy(), e.detach().numpy(), rtol=1e-10)
    second = tg.grad(first[0].sum(), ours[0])[0]
    np.testing.assert_allclose(second.numpy(), torch.autograd.grad(expected[0].sum(), theirs[0])[0].numpy(),
                               rtol=1e-10)
    assert tg.gradcheck(lambda *t: _program(tg, *t), *ours)


def test_needs_input_grad_and_a_frozen_input():
    seen = []

    class Probe(tg.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            seen.append(ctx.needs_input_grad)
            return a * b

        @staticmethod
        def backward(ctx, g):
            seen.append(ctx.needs_input_grad)
            return g, None

    a, b = tg.ones(2, requires_grad=True), tg.ones(2)
    Probe.apply(a, b).sum().backward()
    assert seen == [(True, False), (True, False)] and a.grad.tolist() == [1.0, 1.0] and b.grad is None
    with tg.no_grad():
        assert not Probe.apply(a, b).requires_grad


def test_a_custom_function_draws_and_animates_like_a_builtin_op():
    Cube = _functions(tg)[0]
    x = tg.tensor([1.0, 2.0], requires_grad=True, name="x")
    y = Cube.apply(x)
    loss = y.sum()
    shot = tg.snapshot(loss)
    ops = [n for n in shot["nodes"] if n["kind"] == "op"]
    assert [n["op"] for n in ops] == ["Cube", "sum"] and repr(y) == "tensor([1., 8.], grad_fn=<Cube>)"
    backward = [e for e in shot["events"] if e["phase"] == "backward" and e.get("op_node") == ops[0]["id"]]
    assert len(backward) == 1 and backward[0]["product"]["data"] == [3.0, 12.0]  # its own backward
    json.dumps(shot)
    rerun = type(y._op)(**json.loads(json.dumps(y._op.attrs)))
    np.testing.assert_array_equal(rerun.forward(np, x.array), y.array)


def test_wrong_gradients_get_clear_errors():
    class TooFew(tg.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            return a + b

        @staticmethod
        def backward(ctx, g):
            return g

    class BadShape(tg.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return tg.ones(5)

    class TwoOutputs(tg.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a, a

    a = tg.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"TooFew.backward returned 1 gradient\(s\), but forward took 2"):
        TooFew.apply(a, a).sum().backward()
    with pytest.raises(RuntimeError, match=r"BadShape.backward: gradient 0 has shape \(5,\).*\(3,\)"):
        BadShape.apply(a).sum().backward()
    with pytest.raises(NotImplementedError, match="returns one Tensor"):
        TwoOutputs.apply(a)
    with pytest.raises(TypeError, match="save_for_backward: argument 0 is a float"):
        ctx = tg.autograd.FunctionCtx(())
        ctx.save_for_backward(1.0)
