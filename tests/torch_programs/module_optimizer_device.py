"""An nn.Module trained with an optimizer, moved to whichever device is available, as PyTorch's
quickstart does (a fixed starting point instead of random weights, so every run starts alike)."""
import torch
from torch import nn

device = torch.device(
    "cuda" if torch.cuda.is_available() else "mps" if torch.backends.mps.is_available() else "cpu"
)
print(f"Using {device} device")
torch.manual_seed(0)


class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(4 * 4, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(inplace=True), nn.Linear(32, 3)
        )

    def forward(self, x):
        x = self.flatten(x)
        return self.linear_relu_stack(x)


model = NeuralNetwork().to(device)
with torch.no_grad():
    for i, p in enumerate(model.parameters()):
        p.copy_(torch.linspace(-0.3, 0.3, p.numel()).reshape(p.shape) * (-1) ** i)
assert next(model.parameters()).device.type == device.type

N = 96
X = torch.sin(torch.arange(N * 16, dtype=torch.float32) * 0.37).reshape(N, 4, 4)
y = (X.sum(dim=(1, 2)) > 0).long() + (X[:, 0, 0] > 0.5).long()

loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
LOSSES = []
for epoch in range(4):
    model.train()
    for start in range(0, N, 16):
        X_batch, y_batch = X[start:start + 16].to(device), y[start:start + 16].to(device)
        pred = model(X_batch)
        loss = loss_fn(pred, y_batch)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        LOSSES.append(loss.item())
    print(f"epoch {epoch}: loss {loss.item():.4f}")

model.eval()
with torch.inference_mode():
    pred = model(X.to(device))
    ACCURACY = (pred.argmax(1) == y.to(device)).type(torch.float).sum().item() / N
print(f"accuracy {ACCURACY:.3f}")
