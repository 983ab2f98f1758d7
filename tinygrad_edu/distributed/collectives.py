"""Collectives with PyTorch's names: every rank calls the same function in the same order.

`all_reduce` and `broadcast` work in place on a Tensor's memory, like `torch.distributed`, and are not
recorded in the autograd graph. MPI reads and writes host memory: a cpu tensor's own array is handed
to MPI when it is contiguous; a cuda (or strict) tensor is copied to the host, reduced there, and
copied back, which costs two device transfers per call. `all_gather_object` sends plain data as
JSON (never pickle), so what a rank receives cannot run code.
"""
import enum
import json

import numpy as np

from ..tensor import Tensor, from_numpy
from .group import current, mpi

_REDUCIBLE = "iuf"      # MPI reduces integers and floats; bool and float16 need a cast first


class ReduceOp(enum.Enum):
    """How `all_reduce` combines the ranks' values; AVG is SUM divided by the world size."""

    SUM = "SUM"
    PRODUCT = "PROD"
    MIN = "MIN"
    MAX = "MAX"
    AVG = "AVG"


def _host(tensor: Tensor, where: str):
    """A flat contiguous host array of the tensor's values, and whether it is the tensor's own memory
    (a contiguous cpu tensor), in which case MPI writes the result straight into the tensor."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"{where}: expected a Tensor, got {type(tensor).__name__}")
    host = tensor.numpy()
    if host is tensor.array and not host.flags.writeable:
        raise ValueError(f"{where}: the tensor's memory is read-only (a broadcast view?); "
                         "call .clone() first")
    shared = host is tensor.array and host.flags.c_contiguous
    return (host if shared else np.array(host, order="C")).reshape(-1), shared


def _write_back(tensor: Tensor, flat: np.ndarray) -> None:
    values = flat.reshape(tensor.shape)
    tensor.array[...] = values if tensor.device == "cpu" else Tensor(values, device=tensor.device).array


def all_reduce(tensor: Tensor, op: ReduceOp = ReduceOp.SUM) -> None:
    """Combine `tensor` across all ranks with `op`; afterwards every rank holds the result (in place)."""
    if not isinstance(op, ReduceOp):
        raise TypeError(f"all_reduce: op must be a ReduceOp (e.g. ReduceOp.SUM), got {op!r}")
    host, shared = _host(tensor, "all_reduce")
    kind = host.dtype.kind
    if kind not in _REDUCIBLE or host.dtype == np.float16:
        raise TypeError(f"all_reduce: cannot reduce a {host.dtype} tensor over MPI; cast it first "
                        "(e.g. .float() or .long())")
    if op is ReduceOp.AVG and kind != "f":
        raise TypeError(f"all_reduce: ReduceOp.AVG needs a floating-point tensor, got {host.dtype}")
    group, MPI = current("all_reduce"), mpi()
    with group.collective("all_reduce") as comm:
        comm.Allreduce(MPI.IN_PLACE, host, op=getattr(MPI, "SUM" if op is ReduceOp.AVG else op.value))
    if op is ReduceOp.AVG:
        host /= group.size
    if not shared:
        _write_back(tensor, host)


def broadcast(tensor: Tensor, src: int = 0) -> None:
    """Copy rank `src`'s values of `tensor` into every other rank's `tensor` (in place)."""
    group = current("broadcast")
    if isinstance(src, bool) or not isinstance(src, int) or not 0 <= src < group.size:
        raise ValueError(f"broadcast: src must be a rank from 0 to {group.size - 1}, got {src!r}")
    host, shared = _host(tensor, "broadcast")
    with group.collective("broadcast") as comm:
        comm.Bcast(host, root=src)
    if not shared:
        _write_back(tensor, host)


def barrier() -> None:
    """Wait until every rank has reached this line."""
    with current("barrier").collective("barrier") as comm:
        comm.Barrier()


def _to_json(obj) -> bytes:
    def plain(value):
        if isinstance(value, np.generic):
            return value.item()
        raise TypeError(f"all_gather_object: cannot send a {type(value).__name__}; objects travel as plain "
                        "data (dicts, lists, strings, numbers, None); convert arrays with .tolist(), "
                        "or send tensors with all_reduce/broadcast")
    return json.dumps(obj, default=plain, allow_nan=True).encode("utf-8")


def all_gather_object(object_list: list, obj) -> None:
    """Fill `object_list` (one slot per rank) with every rank's `obj`, in rank order.

    Objects travel as JSON: dicts, lists, strings, numbers and None come back as themselves (tuples
    come back as lists)."""
    payload = np.frombuffer(_to_json(obj), dtype=np.uint8)
    group = current("all_gather_object")
    if not isinstance(object_list, list) or len(object_list) != group.size:
        got = len(object_list) if isinstance(object_list, list) else type(object_list).__name__
        raise ValueError(f"all_gather_object: object_list must be a list with one slot per rank "
                         f"({group.size}), got {got}")
    sizes = np.empty(group.size, dtype=np.int64)
    with group.collective("all_gather_object") as comm:
        comm.Allgather(np.array([payload.size], dtype=np.int64), sizes)
        gathered = np.empty(int(sizes.sum()), dtype=np.uint8)
        comm.Allgatherv(payload, (gathered, sizes))
    ends = np.cumsum(sizes)
    for rank, (start, end) in enumerate(zip(ends - sizes, ends)):
        object_list[rank] = json.loads(gathered[start:end].tobytes().decode("utf-8"))


def broadcast_coalesced(tensors, src: int = 0) -> None:
    """Broadcast many tensors as one message per dtype (what DistributedDataParallel does with a model's
    parameters and buffers): one large message costs far less than many small ones."""
    by_dtype: dict = {}
    for t in tensors:
        by_dtype.setdefault(t.dtype, []).append(t)
    for dtype, group in by_dtype.items():
        flat = np.concatenate([t.numpy().reshape(-1) for t in group]).astype(dtype, copy=False)
        broadcast(from_numpy(flat), src)
        start = 0
        for t in group:
            _write_back(t, flat[start:start + t.numel()])
            start += t.numel()
