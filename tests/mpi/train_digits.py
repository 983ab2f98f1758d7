"""The README's example: `mpiexec -n 4 python train_digits.py [checkpoint] [epochs]`.

Each rank trains on its own share of every epoch (DistributedSampler), backward averages the
gradients over the ranks (DistributedDataParallel), and rank 0 alone evaluates and saves.
"""
import sys

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu import data, nn, optim
from tinygrad_edu import distributed as dist


def main(checkpoint="digits_mlp.ckpt", epochs=3):
    dist.init_process_group()
    rank = dist.get_rank()
    X, y = data.load_digits()
    X_train, X_test, y_train, y_test = data.train_test_split(X, y, test_fraction=0.2, seed=0)
    train_set = data.TensorDataset(X_train, y_train)
    sampler = data.DistributedSampler(train_set, shuffle=True, seed=0)
    loader = data.DataLoader(train_set, batch_size=32, sampler=sampler)

    tg.manual_seed(0)
    mlp = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    model = nn.parallel.DistributedDataParallel(mlp)  # same start on every rank: rank 0's weights
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(int(epochs)):
        sampler.set_epoch(epoch)                      # a new shuffle each epoch, the same on every rank
        for xb, yb in loader:
            loss = loss_fn(model(xb), yb)
            opt.zero_grad()
            loss.backward()                           # gradients averaged over the ranks here
            opt.step()
        print(f"rank {rank} epoch {epoch}: last loss {loss.item():.3f}", flush=True)

    if rank == 0:                                     # one copy of the model is enough
        with tg.no_grad():
            predicted = model.module(tg.tensor(X_test)).argmax(dim=1).numpy()
        tg.save(model.module.state_dict(), checkpoint)
        print(f"test accuracy {np.mean(predicted == y_test):.3f}; saved {checkpoint}", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
