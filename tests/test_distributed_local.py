"""DistributedSampler and the DataLoader's `sampler=`, the distributed API's errors, and how run() finds
mpiexec: all in this process, without an MPI job (test_distributed.py runs the real jobs)."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import data, nn
from tinygrad_edu import distributed as dist


@pytest.mark.parametrize("n, replicas", [(10, 3), (11, 2), (12, 4), (5, 8), (7, 1)])
@pytest.mark.parametrize("drop_last", [False, True])
def test_unshuffled_shards_are_pytorchs(n, replicas, drop_last):
    torch_data = pytest.importorskip("torch.utils.data")
    if drop_last and n < replicas:
        with pytest.raises(ValueError, match="drop_last=True leaves nothing"):
            data.DistributedSampler(range(n), num_replicas=replicas, rank=0, drop_last=True)
        return
    for rank in range(replicas):
        ours = data.DistributedSampler(range(n), num_replicas=replicas, rank=rank, shuffle=False,
                                       drop_last=drop_last)
        theirs = torch_data.DistributedSampler(range(n), num_replicas=replicas, rank=rank, shuffle=False,
                                               drop_last=drop_last)
        assert list(ours) == list(theirs) and len(ours) == len(theirs)


@pytest.mark.parametrize("n, replicas", [(10, 3), (12, 4), (3, 5)])
def test_shuffled_shards_split_one_permutation_and_change_with_the_epoch(n, replicas):
    samplers = [data.DistributedSampler(range(n), num_replicas=replicas, rank=r, seed=5)
                for r in range(replicas)]
    shards = [list(s) for s in samplers]
    assert all(len(shard) == -(-n // replicas) for shard in shards)
    everything = np.concatenate(shards)
    assert set(everything) == set(range(n))
    padding = replicas * -(-n // replicas) - n
    assert (np.bincount(everything, minlength=n) == 2).sum() == padding   # only the padding repeats
    for s in samplers:
        s.set_epoch(1)
    assert [list(s) for s in samplers] != shards
    assert [list(s) for s in samplers] == [list(s) for s in samplers]  # the same order when asked again


def test_the_loader_batches_what_the_sampler_gives():
    X, y = np.arange(20.0).reshape(10, 2), np.arange(10)
    sampler = data.DistributedSampler(data.TensorDataset(X, y), num_replicas=2, rank=1, shuffle=False)
    loader = data.DataLoader(data.TensorDataset(X, y), batch_size=2, sampler=sampler)
    assert len(loader) == 3
    assert [b[1].numpy().tolist() for b in loader] == [[1, 3], [5, 7], [9]]
    with pytest.raises(ValueError, match="sampler and shuffle=True"):
        data.DataLoader(data.TensorDataset(X, y), batch_size=2, sampler=sampler, shuffle=True)


def test_sampler_arguments_are_checked():
    with pytest.raises(ValueError, match="rank must be an int from 0 to 1, got 2"):
        data.DistributedSampler(range(4), num_replicas=2, rank=2)
    with pytest.raises(ValueError, match="num_replicas must be a positive int, got 0"):
        data.DistributedSampler(range(4), num_replicas=0, rank=0)
    with pytest.raises(TypeError, match="must support len"):
        data.DistributedSampler(iter(range(4)), num_replicas=2, rank=0)


def test_without_a_process_group_every_call_says_what_to_do():
    assert not dist.is_initialized()
    for call in (dist.get_rank, dist.get_world_size, dist.barrier, lambda: dist.broadcast(tg.ones(2))):
        with pytest.raises(RuntimeError, match="call tinygrad_edu.distributed.init_process_group"):
            call()
    with pytest.raises(RuntimeError, match="pass num_replicas= and rank="):
        data.DistributedSampler(range(4))
    with pytest.raises(RuntimeError, match="DistributedDataParallel: the process group is not initialized"):
        nn.parallel.DistributedDataParallel(nn.Linear(2, 2))


def test_bad_arguments_are_named_before_any_message_is_sent():
    with pytest.raises(ValueError, match="backend 'nccl' is not supported"):
        dist.init_process_group(backend="nccl")
    with pytest.raises(ValueError, match="timeout must be a positive number"):
        dist.init_process_group(timeout=0)
    with pytest.raises(TypeError, match="op must be a ReduceOp"):
        dist.all_reduce(tg.ones(2), op="sum")
    with pytest.raises(TypeError, match="expected a Tensor, got ndarray"):
        dist.all_reduce(np.ones(2))
    with pytest.raises(TypeError, match="cannot reduce a bool tensor"):
        dist.all_reduce(tg.tensor([True, False]))
    with pytest.raises(TypeError, match="AVG needs a floating-point tensor"):
        dist.all_reduce(tg.tensor([1, 2]), op=dist.ReduceOp.AVG)
    with pytest.raises(ValueError, match="read-only"):
        dist.all_reduce(tg.from_numpy(np.broadcast_to(np.ones(1), (3,))))
    with pytest.raises(TypeError, match="cannot send a ndarray.*tolist"):
        dist.all_gather_object([None], {"weights": np.zeros(2)})
    with pytest.raises(TypeError, match="expected an nn.Module"):
        nn.parallel.DistributedDataParallel(lambda x: x)


def test_run_takes_mpiexec_from_the_path_only_if_it_is_mpichs(tmp_path, monkeypatch):
    pytest.importorskip("mpi4py")
    from tinygrad_edu.distributed.launch import mpiexec

    fake = tmp_path / "mpiexec"
    monkeypatch.setattr("sys.executable", str(tmp_path / "elsewhere" / "python"))   # nothing beside it
    monkeypatch.setenv("PATH", str(tmp_path))
    fake.write_text("#!/bin/sh\necho 'mpiexec (Open MPI) 5.0'\n")
    fake.chmod(0o755)
    with pytest.raises(RuntimeError, match="is not MPICH's mpiexec"):
        mpiexec()
    fake.write_text("#!/bin/sh\necho 'HYDRA build details:'\n")
    assert mpiexec() == str(fake)
