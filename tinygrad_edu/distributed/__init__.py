"""Training on several processes over MPI, with `torch.distributed`'s names.

Run a script with `mpiexec -n 4 python train.py` (or from a notebook with `run(train, nprocs=4)`); in
it, `init_process_group()` joins the job, `get_rank()`/`get_world_size()` say who is who, and the
collectives (`all_reduce`, `broadcast`, `barrier`, `all_gather_object`) move data between ranks.
`nn.parallel.DistributedDataParallel` and `data.DistributedSampler` build data-parallel training on them.
"""
from .collectives import ReduceOp, all_gather_object, all_reduce, barrier, broadcast, broadcast_coalesced
from .group import (
    destroy_process_group,
    get_rank,
    get_world_size,
    init_process_group,
    is_available,
    is_initialized,
)
from .launch import DistributedError, run

__all__ = ["init_process_group", "destroy_process_group", "is_initialized", "is_available", "get_rank",
           "get_world_size", "ReduceOp", "all_reduce", "broadcast", "barrier", "all_gather_object",
           "broadcast_coalesced", "run", "DistributedError"]
