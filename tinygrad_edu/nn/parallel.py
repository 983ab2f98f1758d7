"""`DistributedDataParallel`: data-parallel training, where every rank holds the whole model.

Each rank runs forward and backward on its own slice of the batch; the gradients are then averaged
over the ranks, so every rank takes the same optimizer step and the models stay identical. With a
loss that is a mean over the batch and equal slices, the average of the ranks' gradients is exactly
the gradient of the whole batch: N processes train like one process with an N times bigger batch.

How the averaging is hooked into `backward()` (as PyTorch's Reducer does): a hook on each parameter
receives its gradient, copies it into a flat bucket and hands autograd zeros in its place; when a
bucket is full it is all-reduced as one message, and the averages are added to the parameters'
`.grad` (the parameter whose hook completed the bucket gets its average as its gradient directly).
Buckets are reduced in a fixed order, because every rank must call the same collectives in the same
order. Averages go into `.grad` only: `tinygrad_edu.grad(...)` through a wrapped model is not
supported, nor is double backward.
"""
import weakref

import numpy as np

from ..distributed import all_gather_object, all_reduce, broadcast_coalesced, get_world_size, is_initialized
from ..tensor import Tensor, from_numpy, zeros_like
from .module import Module

_REDUCERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()   # module -> its parameters' reducer


class _Bucket:
    """Parameters whose gradients travel in one message, and the flat host buffer they travel in."""

    def __init__(self, named_params):
        self.names = [name for name, _ in named_params]
        self.params = [p for _, p in named_params]
        sizes = [p.numel() for p in self.params]
        self.starts = np.cumsum([0] + sizes[:-1]).tolist()
        self.flat = np.empty(sum(sizes), dtype=self.params[0].dtype)
        self.filled = [False] * len(self.params)

    def slot(self, i):
        p = self.params[i]
        return self.flat[self.starts[i]:self.starts[i] + p.numel()].reshape(p.shape)


def _buckets(named_params, cap_bytes):
    """Group parameters in reverse order (roughly the order backward produces their gradients), one
    dtype and device per bucket, each bucket at most `cap_bytes` unless one parameter alone is bigger."""
    buckets, current, size = [], [], 0
    for name, p in reversed(named_params):
        nbytes = p.numel() * p.dtype.itemsize
        kind = (p.dtype, p.device)
        if current and (size + nbytes > cap_bytes or kind != (current[0][1].dtype, current[0][1].device)):
            buckets.append(_Bucket(current))
            current, size = [], 0
        current.append((name, p))
        size += nbytes
    if current:
        buckets.append(_Bucket(current))
    return buckets


class _Reducer:
    """Averages the gradients of one backward across ranks, bucket by bucket."""

    def __init__(self, named_params, cap_bytes, world_size):
        self.buckets = _buckets(named_params, cap_bytes)
        self.world_size = world_size
        self.where = {id(p): (b, i) for b, bucket in enumerate(self.buckets)
                      for i, p in enumerate(bucket.params)}
        self.next = 0          # the next bucket to reduce; all earlier ones are done for this backward
        self.handles = [p.register_hook(self._hook_for(p)) for _, p in named_params]

    def _hook_for(self, param):
        return lambda grad: self._on_grad(param, grad)

    def _on_grad(self, param, grad):
        b, i = self.where[id(param)]
        bucket = self.buckets[b]
        if bucket.filled[i]:
            raise RuntimeError(f"DistributedDataParallel: parameter {bucket.names[i]!r} received a second "
                               "gradient before the gradients were averaged: an earlier backward() did not "
                               f"reach the parameters {self.missing()}")
        bucket.slot(i)[...] = grad.numpy()
        bucket.filled[i] = True
        while self.next < len(self.buckets) and all(self.buckets[self.next].filled):
            self._reduce(self.buckets[self.next], skip=param)
            self.next += 1
        if b >= self.next:                           # its bucket waits for more gradients
            return zeros_like(grad)
        average = Tensor(bucket.slot(i), device=param.device)
        if self.next == len(self.buckets):           # the whole backward is averaged: start over
            self.next = 0
        return average

    def _reduce(self, bucket, skip):
        all_reduce(from_numpy(bucket.flat))         # shares the bucket's memory: reduced in place
        bucket.flat /= self.world_size
        for i, p in enumerate(bucket.params):
            bucket.filled[i] = False
            if p is not skip:                        # these already hold their zeros in .grad
                p.grad += Tensor(bucket.slot(i), device=p.device)

    def missing(self):
        """Names of parameters whose gradients a started backward has not delivered yet."""
        return [name for bucket in self.buckets
                for name, done in zip(bucket.names, bucket.filled) if not done]

    def started(self):
        return self.next > 0 or any(any(bucket.filled) for bucket in self.buckets)

    def remove(self):
        for handle in self.handles:
            handle.remove()


def _signature(module):
    return [[kind, name, list(t.shape), str(t.dtype), bool(t.requires_grad)]
            for kind, entries in (("parameter", module.named_parameters()),
                                  ("buffer", module.named_buffers()))
            for name, t in entries]


def _differences(reference, theirs, rank):
    """What differs between rank 0's model and rank `rank`'s, in words (at most three items)."""
    first = {(kind, name): rest for kind, name, *rest in reference}
    other = {(kind, name): rest for kind, name, *rest in theirs}
    lines = []
    for key in list(first) + [k for k in other if k not in first]:
        kind, name = key
        if key not in other or key not in first:
            side = f"rank {rank}" if key not in other else "rank 0"
            lines.append(f"{kind} {name!r} is missing on {side}")
        elif first[key] != other[key]:
            what = [f"{field} {show(a)} on rank {rank} but {show(b)} on rank 0"
                    for field, show, a, b in zip(("shape", "dtype", "requires_grad"), (tuple, str, str),
                                                 other[key], first[key]) if a != b]
            lines.append(f"{kind} {name!r} has " + ", ".join(what))
    if not lines:                                    # same entries in another order
        lines.append("the parameters are registered in a different order")
    return lines[:3]


def _check_same_model(module, world_size):
    everyone = [None] * world_size
    all_gather_object(everyone, _signature(module))
    for rank in range(1, world_size):
        if everyone[rank] != everyone[0]:
            raise ValueError(f"DistributedDataParallel: rank {rank}'s model differs from rank 0's, so their "
                             "gradients cannot be averaged: " + "; ".join(_differences(everyone[0],
                                                                                       everyone[rank], rank)))


class DistributedDataParallel(Module):
    """Wrap `module` so that `backward()` averages its gradients over every rank of the process group.

    At construction the ranks check that their models have the same parameters and buffers (names,
    shapes, dtypes) and copy rank 0's values to every rank, so all start from the same weights. Then
    `ddp(x)` calls the model, `ddp.parameters()` are its parameters, `ddp.module` is the model itself
    (save `ddp.module.state_dict()`, on rank 0 only). With `broadcast_buffers` (the default), buffers
    such as BatchNorm's running statistics are copied from rank 0 before each forward. Gradients
    travel in buckets of at most `bucket_cap_mb` megabytes: `messages_per_step` all-reduces carrying
    `bytes_per_step` bytes of gradients in each backward.
    """

    def __init__(self, module, broadcast_buffers=True, bucket_cap_mb=25):
        super().__init__()
        if not isinstance(module, Module):
            raise TypeError(f"DistributedDataParallel: expected an nn.Module, got {type(module).__name__}")
        if not is_initialized():
            raise RuntimeError("DistributedDataParallel: the process group is not initialized; call "
                               "tinygrad_edu.distributed.init_process_group() first")
        cap = bucket_cap_mb
        if isinstance(cap, bool) or not isinstance(cap, (int, float)) or not cap > 0:
            raise ValueError(f"DistributedDataParallel: bucket_cap_mb must be a positive number, "
                             f"got {bucket_cap_mb!r}")
        self.module = module
        self.broadcast_buffers = broadcast_buffers
        self.world_size = get_world_size()
        _check_same_model(module, self.world_size)
        broadcast_coalesced(list(module.parameters()) + list(module.buffers()), src=0)
        if module in _REDUCERS:                           # wrapped before: that wrapper stops averaging
            _REDUCERS.pop(module).remove()
        trained = [(name, p) for name, p in module.named_parameters() if p.requires_grad]
        self.reducer = _Reducer(trained, bucket_cap_mb * 2**20, self.world_size)
        _REDUCERS[module] = self.reducer

    @property
    def bytes_per_step(self):
        """Bytes of gradients each rank all-reduces in one backward (the payload; MPI's algorithm
        decides how many bytes actually cross the wire, about twice this for a ring)."""
        return sum(bucket.flat.nbytes for bucket in self.reducer.buckets)

    @property
    def messages_per_step(self):
        return len(self.reducer.buckets)

    def forward(self, *args, **kwargs):
        if self.reducer.started():
            raise RuntimeError("DistributedDataParallel: the previous backward() gave no gradient to "
                               f"{self.reducer.missing()}, so the gradients were not averaged; every "
                               "trained parameter must take part in the loss on every rank (freeze the "
                               "others with requires_grad_(False) before wrapping the model)")
        buffers = list(self.module.buffers())
        if self.broadcast_buffers and buffers:
            broadcast_coalesced(buffers, src=0)
        return self.module(*args, **kwargs)

    def extra_repr(self):
        return (f"world_size={self.world_size}, buckets={self.messages_per_step}, "
                f"bytes_per_step={self.bytes_per_step}")
