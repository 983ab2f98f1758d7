"""A Dataset and DataLoader with a sampler, worker processes and a collate_fn, then an evaluation
pass over a shuffled order (whose mean loss cannot depend on the order)."""
import torch
import torch.nn.functional as F
from torch.utils.data import BatchSampler, DataLoader, Dataset, RandomSampler, SequentialSampler
from torch.utils.data.dataloader import default_collate


class Waves(Dataset):
    def __init__(self, n):
        self.x = torch.linspace(-2, 2, n).unsqueeze(1)
        self.y = torch.sin(3 * self.x) + 0.5 * self.x

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return self.x[i], self.y[i]


def collate(batch):
    xs, ys = default_collate(batch)
    return xs * 1.0, ys


dataset = Waves(64)
train = DataLoader(dataset, batch_size=8, sampler=SequentialSampler(dataset), num_workers=2,
                   collate_fn=collate, pin_memory=False)
model = torch.nn.Sequential(torch.nn.Linear(1, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1))
with torch.no_grad():
    for i, p in enumerate(model.parameters()):
        p.copy_(torch.cos(torch.arange(p.numel(), dtype=torch.float32) + i).reshape(p.shape) * 0.5)
optimizer = torch.optim.Adadelta(model.parameters(), lr=1.0)

LOSSES = []
for epoch in range(3):
    for xb, yb in train:
        loss = F.smooth_l1_loss(model(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        LOSSES.append(loss.item())
    print(f"epoch {epoch}: loss {loss.item():.4f}")

g = torch.Generator().manual_seed(0)
shuffled = DataLoader(dataset, batch_sampler=BatchSampler(RandomSampler(dataset, generator=g), 16, False))
seen, total = [], 0.0
with torch.no_grad():
    for xb, yb in shuffled:
        total += F.smooth_l1_loss(model(xb), yb, reduction="sum").item()
        seen.append(xb)
EVAL_LOSS = total / len(dataset)
visited = torch.cat(seen).flatten()
assert len(train) == 8 and len(shuffled) == 4
assert torch.equal(torch.sort(visited).values, dataset.x.flatten())
assert not torch.equal(visited, dataset.x.flatten())
