"""A custom autograd.Function (PyTorch's LegendrePolynomial3 example) trained in a loop, plus a second
Function that uses ctx.needs_input_grad and a gradcheck in double precision."""
import math

import torch


class LegendrePolynomial3(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input**3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        (input,) = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input**2 - 1)


class ScaledTanh(torch.autograd.Function):
    """scale * tanh(x), with a non-tensor argument and gradients only where they are asked for."""

    @staticmethod
    def forward(ctx, x, w, scale):
        out = torch.tanh(x * w)
        ctx.save_for_backward(x, w, out)
        ctx.scale = scale
        return scale * out

    @staticmethod
    def backward(ctx, grad_output):
        x, w, out = ctx.saved_tensors
        inner = grad_output * ctx.scale * (1 - out * out)
        grad_x = inner * w if ctx.needs_input_grad[0] else None
        grad_w = (inner * x).sum() if ctx.needs_input_grad[1] else None
        return grad_x, grad_w, None


dtype = torch.float
x = torch.linspace(-math.pi, math.pi, 200, dtype=dtype)
y = torch.sin(x)
a = torch.full((), 0.0, dtype=dtype, requires_grad=True)
b = torch.full((), -1.0, dtype=dtype, requires_grad=True)
c = torch.full((), 0.0, dtype=dtype, requires_grad=True)
d = torch.full((), 0.3, dtype=dtype, requires_grad=True)
w = torch.full((), 0.5, dtype=dtype, requires_grad=True)

learning_rate = 5e-6
LOSSES = []
for t in range(60):
    P3 = LegendrePolynomial3.apply
    y_pred = a + b * P3(c + d * x) + ScaledTanh.apply(x, w, 0.1)
    loss = (y_pred - y).pow(2).sum()
    LOSSES.append(loss.item())
    if t % 20 == 19:
        print(t, loss.item())
    loss.backward()
    with torch.no_grad():
        for p in (a, b, c, d, w):
            p -= learning_rate * p.grad
            p.grad = None

probe = torch.tensor([0.3, -0.8, 1.1], dtype=torch.double, requires_grad=True)
weight = torch.tensor(0.7, dtype=torch.double, requires_grad=True)
GRADCHECK = [torch.autograd.gradcheck(LegendrePolynomial3.apply, (probe,)),
             torch.autograd.gradcheck(lambda u, v: ScaledTanh.apply(u, v, 2.0), (probe, weight))]
