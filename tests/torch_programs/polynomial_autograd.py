"""Fit y = sin(x) with a cubic, using raw tensors and autograd, as PyTorch's "Learning PyTorch with
Examples" does (fixed starting coefficients instead of torch.randn, so every run starts alike)."""
import math

import torch

dtype = torch.float
device = torch.device("cpu")

x = torch.linspace(-math.pi, math.pi, 200, device=device, dtype=dtype)
y = torch.sin(x)

a = torch.full((), 0.1, device=device, dtype=dtype, requires_grad=True)
b = torch.full((), -0.2, device=device, dtype=dtype, requires_grad=True)
c = torch.zeros((), device=device, dtype=dtype, requires_grad=True)
d = torch.tensor(0.05, device=device, dtype=dtype, requires_grad=True)

learning_rate = 1e-5
LOSSES = []
for t in range(60):
    y_pred = a + b * x + c * x**2 + d * torch.pow(x, 3)
    loss = (y_pred - y).pow(2).sum()
    LOSSES.append(loss.item())
    if t % 20 == 19:
        print(t, loss.item())
    loss.backward()
    with torch.no_grad():
        a -= learning_rate * a.grad
        b.sub_(learning_rate * b.grad)
        c.data.add_(c.grad, alpha=-learning_rate)  # p.data.add_, as older tutorials write the update
        d.data = d.data - learning_rate * d.grad
        a.grad = None
        b.grad.zero_()
        c.grad.zero_()
        d.grad = None

print(f"Result: y = {a.item()} + {b.item()} x + {c.item()} x^2 + {d.item()} x^3")
