"""One epoch of the digits MLP 64-128-10 (1,437 training images, Adam, as in digits_train) trained
data-parallel on n = 1, 2 and 4 processes of one MPI job: tinygrad_edu's DistributedDataParallel over
MPICH against PyTorch's DistributedDataParallel over gloo, with DistributedSampler shards. Both
frameworks' ranks are started by mpiexec and wait for each epoch on a named pipe (no CPU used while
idle); one timed call is one epoch on every rank. n = 1 trains without the wrapper.
Cases: `split=per process` gives every process batches of 32 (so n processes take n times fewer, n
times bigger steps per epoch: what DistributedSampler plus a DataLoader of batch 32 does);
`split=across processes` cuts each batch of 32 into n slices (the same 45 steps as one process, the
same arithmetic: the only kind of speed-up that leaves the training unchanged); `work=all_reduce only`
runs the 45 gradient all-reduces of such an epoch and nothing else: the cost of communication.
Every process has one BLAS thread (threads=1: a second thread does nothing for matrices this small,
and PyTorch's 2-thread pool stalls on a shared machine, see digits_train), so n = 1 uses one core,
n = 2 both, and n = 4 puts two processes on each core. A rank waiting in MPICH's all-reduce spins on its
core; `yield` peers set MPIR_CVAR_ENABLE_HEAVY_YIELD=1, so that it sleeps instead (what run() does when
there are more processes than cores). gloo waits on sockets, without spinning."""
import atexit
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import Skip

BASELINE = "tinygrad_edu n=1"
PEERS = ["tinygrad_edu n=1", "tinygrad_edu n=2", "tinygrad_edu n=4", "tinygrad_edu n=2 yield",
         "tinygrad_edu n=4 yield", "torch n=1", "torch n=2", "torch n=4"]
CASES = [{"split": "per process", "threads": 1}, {"split": "across processes", "threads": 1},
         {"work": "all_reduce only", "threads": 1}]
REPEATS = 9                                            # multi-process timings swing more than most
BATCH = 32
GRADIENT_FLOATS = 64 * 128 + 128 + 128 * 10 + 10       # the MLP's parameters, float32
__doc__ += (f"\nEvery step all-reduces the {GRADIENT_FLOATS:,} float32 gradients, {GRADIENT_FLOATS * 4:,} "
            "bytes, as one message (one bucket) in both frameworks: the payload per process (checked against "
            "each job's own count at set-up); the collective's algorithm decides how much crosses the wire "
            "(a ring sends 2(n-1)/n of it per process). Several processes of one job wait for each other "
            "every step, so other load on the machine slows them more than one process: the load average "
            f"was {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores when this run started.")


def setup(peer: str, case: dict):
    framework, size, *options = peer.split()
    n = int(size[2:])
    if case.get("work") == "all_reduce only" and n == 1:
        raise Skip("one process has nobody to send its gradients to")
    import importlib.util

    from tinygrad_edu import distributed

    if not distributed.is_available():
        raise Skip("mpi4py is not installed (pip install tinygrad_edu[mpi])")
    if importlib.util.find_spec(framework) is None:
        raise Skip(f"{framework} is not installed")
    job = _Job(framework, n, case, {"MPIR_CVAR_ENABLE_HEAVY_YIELD": "1"} if "yield" in options else {})
    return job.epoch


class _Job:
    """The controlling side: an MPI job of n ranks, told over named pipes when to run an epoch."""

    def __init__(self, framework: str, n: int, case: dict, settings: dict):
        from tinygrad_edu.distributed.launch import mpiexec

        self.folder = Path(tempfile.mkdtemp(prefix="bench-ddp-"))
        for rank in range(n):
            os.mkfifo(self.folder / f"go{rank}")
        env = {**os.environ, **settings}
        threads = str(max(1, int(env.get("OMP_NUM_THREADS", "2")) // n))
        env.update({var: threads for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")})
        with socket.socket() as s:                     # gloo's rendezvous port
            s.bind(("127.0.0.1", 0))
            env["MASTER_PORT"] = str(s.getsockname()[1])
        env["GLOO_SOCKET_IFNAME"] = "lo"
        self.proc = subprocess.Popen(
            [mpiexec(), "-n", str(n), sys.executable, "-m", "bench.workloads.distributed_digits",
             str(self.folder), framework, json.dumps(case)],
            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True)
        atexit.register(self.close)
        self.go = [self._open(self.folder / f"go{rank}") for rank in range(n)]
        sent = json.loads(self._reply())["bytes"]
        if sent != (4 * GRADIENT_FLOATS if n > 1 else 0):
            raise RuntimeError(f"{framework} on {n} processes all-reduces {sent} bytes a step, not the "
                               f"{4 * GRADIENT_FLOATS} the table's note says")

    def _open(self, fifo: Path, wait_s: float = 120):
        """Open a rank's pipe for writing once the rank has opened it; fail (not hang) if the job died."""
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
                os.set_blocking(fd, True)
                return os.fdopen(fd, "w")
            except OSError:                            # ENXIO: nobody reads it yet
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the MPI job ended (status {self.proc.poll()}) before {fifo.name} "
                                       "was opened") from None
                time.sleep(0.02)

    def _reply(self) -> str:
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the MPI job died (status {self.proc.wait()}); its stderr is above")
        return line

    def epoch(self):
        for pipe in self.go:
            pipe.write("go\n")
            pipe.flush()
        self._reply()

    def close(self):
        for pipe in getattr(self, "go", []):
            pipe.close()                               # the ranks read end-of-file and exit
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


# ---- the ranks' side ----------------------------------------------------------------------------
def _batch(case, world):
    return BATCH if case.get("split") == "per process" else BATCH // world


def _tinygrad_edu_rank(case):
    import numpy as np

    import tinygrad_edu as tg
    from bench.workloads.digits_train import _data, _layers
    from tinygrad_edu import data, nn, optim
    from tinygrad_edu import distributed as dist

    dist.init_process_group()
    rank, world = dist.get_rank(), dist.get_world_size()
    X, y = _data("mlp")
    train_set = data.TensorDataset(X, y)
    sampler = data.DistributedSampler(train_set, shuffle=True, seed=0)
    loader = data.DataLoader(train_set, batch_size=_batch(case, world), sampler=sampler)
    if case.get("work") == "all_reduce only":
        gradients = tg.from_numpy(np.zeros(GRADIENT_FLOATS, np.float32))

        def epoch(number):
            for _ in range(len(loader)):
                dist.all_reduce(gradients)
        return rank, epoch, gradients.numel() * 4

    tg.manual_seed(0)
    model = _layers(nn, "mlp")
    model = nn.parallel.DistributedDataParallel(model) if world > 1 else model
    opt, loss_fn = optim.Adam(model.parameters(), lr=1e-3), nn.CrossEntropyLoss()

    def epoch(number):
        sampler.set_epoch(number)
        for xb, yb in loader:
            loss = loss_fn(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
    return rank, epoch, model.bytes_per_step if world > 1 else 0


def _torch_rank(case):
    import torch
    import torch.distributed as dist

    from bench.workloads.digits_train import _data, _layers

    rank, world = int(os.environ["PMI_RANK"]), int(os.environ["PMI_SIZE"])
    torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
    if world > 1:
        dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{os.environ['MASTER_PORT']}",
                                rank=rank, world_size=world)
    X, y = (torch.from_numpy(a) for a in _data("mlp"))
    sampler = torch.utils.data.DistributedSampler(range(len(X)), num_replicas=world, rank=rank, shuffle=True,
                                                  seed=0)
    batch = _batch(case, world)
    steps = -(-len(sampler) // batch)
    if case.get("work") == "all_reduce only":
        gradients = torch.zeros(GRADIENT_FLOATS)

        def epoch(number):
            for _ in range(steps):
                dist.all_reduce(gradients)
        return rank, epoch, gradients.numel() * 4

    torch.manual_seed(0)
    model = _layers(torch.nn, "mlp")
    model = torch.nn.parallel.DistributedDataParallel(model) if world > 1 else model
    opt, loss_fn = torch.optim.Adam(model.parameters(), lr=1e-3), torch.nn.CrossEntropyLoss()

    def epoch(number):
        sampler.set_epoch(number)
        order = torch.tensor(list(sampler))
        for start in range(0, len(order), batch):
            idx = order[start:start + batch]
            loss = loss_fn(model(X[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    return rank, epoch, sum(p.numel() * p.element_size() for p in model.parameters()) if world > 1 else 0


def serve(folder: Path, framework: str, case: dict):
    """Set up, then run one epoch for every "go" on this rank's pipe; rank 0 answers on stdout."""
    rank, epoch, nbytes = (_tinygrad_edu_rank if framework == "tinygrad_edu" else _torch_rank)(case)
    with open(folder / f"go{rank}") as go:
        if rank == 0:
            print(json.dumps({"bytes": nbytes}), flush=True)
        for number, _ in enumerate(go):
            epoch(number)
            if rank == 0:
                print("done", flush=True)


if __name__ == "__main__":
    serve(Path(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3]))
