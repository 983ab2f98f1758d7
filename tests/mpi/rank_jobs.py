"""Functions that tests/test_distributed.py runs on every rank with `tinygrad_edu.distributed.run`.

Each returns plain data for the test to check in its own process (the asserts live in the test, so a
failure reads like any other test failure); the failure jobs end their rank on purpose.
"""
import os
import signal
import time

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu import data, nn, optim
from tinygrad_edu import distributed as dist

SAMPLES, GLOBAL_BATCH, EPOCHS = 48, 12, 5      # 4 steps an epoch: 20 steps in all


class Net(nn.Module):
    """A small float64 MLP with a buffer, so that both parameters and buffers must be broadcast."""

    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(5, 7)
        self.out = nn.Linear(7, 3)
        self.register_buffer("scale", tg.rand(3) + 0.5)
        self.double()

    def forward(self, x):
        return self.out(self.hidden(x).tanh()) * self.scale


def dataset():
    rng = np.random.default_rng(7)
    return data.TensorDataset(rng.normal(size=(SAMPLES, 5)), rng.integers(0, 3, SAMPLES))


def train(model, loader, sampler, steps_seen=None):
    """20 steps of SGD with momentum on the mean cross-entropy of each (local) batch."""
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(EPOCHS):
        sampler.set_epoch(epoch)
        for xb, yb in loader:
            opt.zero_grad()
            loss_fn(model(xb), yb).backward()
            opt.step()
            if steps_seen is not None:
                steps_seen.append(yb.numpy().tolist())
    return model


def collectives() -> dict:
    rank, world = dist.get_rank(), dist.get_world_size()
    out = {}
    for op in dist.ReduceOp:
        t = tg.tensor([rank + 1.0, -(rank + 1.0)], dtype="float64")
        dist.all_reduce(t, op=op)
        out[op.name] = t.numpy()
    view = tg.tensor(np.arange(6.0).reshape(2, 3) * (rank + 1)).T   # not contiguous: reduced via a copy
    dist.all_reduce(view)
    out["transposed"] = view.numpy()
    on_device = tg.tensor([float(rank), 1.0], device="strict")        # copied through the host, like cuda
    dist.all_reduce(on_device)
    out["strict"] = on_device.numpy()
    out["strict_device"] = on_device.device
    scalar, ints = tg.tensor(2.0 + rank), tg.tensor([rank, 10], dtype="int64")
    dist.all_reduce(scalar)
    dist.all_reduce(ints, op=dist.ReduceOp.MAX)
    out["scalar"], out["ints"] = scalar.numpy(), ints.numpy()
    shared = np.full(3, float(rank))
    dist.broadcast(tg.from_numpy(shared), src=world - 1)             # in place, in the array's own memory
    out["broadcast"] = shared
    gathered = [None] * world
    dist.all_gather_object(gathered, {"rank": rank, "squares": [rank, rank * rank], "name": f"r{rank}"})
    out["gathered"] = gathered
    dist.barrier()
    return out


def check_everything(bucket_cap_mb) -> dict:
    """Collectives, sampler shards, and 20 data-parallel steps started from different weights per rank."""
    dist.init_process_group(timeout=60)
    rank = dist.get_rank()
    out = collectives()
    out["shards"] = {f"{shuffle}-{drop}": list(data.DistributedSampler(range(11), shuffle=shuffle, seed=3,
                                                                      drop_last=drop))
                     for shuffle in (False, True) for drop in (False, True)}
    tg.manual_seed(100 + rank)                          # every rank starts from its own weights,
    ddp = nn.parallel.DistributedDataParallel(Net(), bucket_cap_mb=bucket_cap_mb)   # until rank 0's arrive
    out["start"] = {k: v.numpy().copy() for k, v in ddp.module.state_dict().items()}
    ds = dataset()
    sampler = data.DistributedSampler(ds, shuffle=True, seed=11)
    loader = data.DataLoader(ds, batch_size=GLOBAL_BATCH // dist.get_world_size(), sampler=sampler)
    steps = []
    train(ddp, loader, sampler, steps)
    out["final"] = {k: v.numpy() for k, v in ddp.module.state_dict().items()}
    tg.manual_seed(100 + rank)                          # again on the strict device (copies through the host)
    on_device = nn.parallel.DistributedDataParallel(Net().to("strict"), bucket_cap_mb=bucket_cap_mb)
    loader = data.DataLoader(ds, batch_size=loader.batch_size, sampler=sampler, device="strict")
    train(on_device, loader, sampler)
    out["final_strict"] = {k: v.numpy() for k, v in on_device.module.state_dict().items()}
    out["steps"], out["messages"], out["bytes"] = len(steps), ddp.messages_per_step, ddp.bytes_per_step
    return out


def fail_on_rank_one(how: str, timeout: float):
    dist.init_process_group(timeout=timeout)
    rank = dist.get_rank()
    if rank == 1 and how == "raise":
        raise ValueError("rank one gives up")
    if rank == 1 and how == "kill":
        time.sleep(0.5)                                 # rank 0 is waiting in all_reduce by now
        os.kill(os.getpid(), signal.SIGKILL)
    if rank == 1 and how == "hang":
        time.sleep(60)
    if how == "shapes":
        nn.parallel.DistributedDataParallel(nn.Linear(4, 2 + rank))
    if how == "unused":
        model = nn.parallel.DistributedDataParallel(nn.Sequential(nn.Linear(3, 3), nn.Linear(3, 1)))
        model.module[0](tg.ones(2, 3)).sum().backward()   # the second layer gets no gradient
        model(tg.ones(2, 3))
    dist.all_reduce(tg.ones(2))
    return rank


def sleep_forever(pid_file: str):
    with open(f"{pid_file}.{os.getpid()}", "w"):
        pass
    time.sleep(120)
