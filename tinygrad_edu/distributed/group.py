"""The process group: which process am I (rank), how many are we (world size), and what a failure does.

`mpiexec -n 4 python train.py` starts four copies of one script; each asks MPI for its rank, so the
same script runs unchanged on a laptop, on several machines (a hostfile) or alone (`python train.py`
is a group of one). MPI comes from `pip install tinygrad_edu[mpi]` (mpi4py and the `mpich` wheel)
and is imported only when a group starts, so the rest of the framework never needs it.

Failures: a rank that waits in a collective has no way out if another rank will never join, so the
group turns every failure into a stop of the whole job (MPI_Abort), with a message naming the rank:
an uncaught exception prints its traceback and the rank, then aborts; a collective that waits longer
than `timeout` (another rank exited, hangs, or called a different collective) says so and aborts;
a rank killed by a signal is noticed by mpiexec itself, which stops the others.
"""
import datetime
import importlib.util
import sys
import threading
import time
import traceback
from contextlib import contextmanager

MPI_INSTALL_HINT = "pip install tinygrad_edu[mpi]"
DEFAULT_TIMEOUT = datetime.timedelta(minutes=5)
MARKER = "tinygrad_edu.distributed:"   # starts every failure line, so launchers can find it in a log

_group = None
# Where `run()`'s worker wants this rank's failure report written as well as to stderr: mpiexec copies a
# rank's stderr into its files through a pipe, and MPI_Abort may stop the ranks before the last lines
# (the very report that names the rank) have gone through. None under a plain `mpiexec`.
_report_path = None


def report_failures_to(path) -> None:
    """Also write this rank's failure report (traceback and the MARKER line) to the file `path`."""
    global _report_path
    _report_path = path


def is_available() -> bool:
    """True when mpi4py (and so an MPI library) is installed."""
    return importlib.util.find_spec("mpi4py") is not None


def mpi():
    """The mpi4py.MPI module; importing it starts MPI in this process."""
    try:
        from mpi4py import MPI
    except ImportError as err:
        raise RuntimeError(f"tinygrad_edu.distributed needs mpi4py and an MPI library: {MPI_INSTALL_HINT}"
                           f" ({err})") from err
    return MPI


def _seconds(timeout) -> float:
    seconds = timeout.total_seconds() if isinstance(timeout, datetime.timedelta) else timeout
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not seconds > 0:
        raise ValueError(f"init_process_group: timeout must be a positive number of seconds or a "
                         f"datetime.timedelta, got {timeout!r}")
    return float(seconds)


class _Group:
    """MPI's world communicator, plus the watchdog that bounds every collective."""

    def __init__(self, comm, timeout: float):
        self.comm, self.rank, self.size = comm, comm.Get_rank(), comm.Get_size()
        self.timeout = timeout
        self.count = 0                 # collectives so far; a timeout names the one that hung
        self._waiting: tuple | None = None   # (name, number, start) while inside a collective
        self._stop = threading.Event()
        self._previous_hook = sys.excepthook
        if self.size > 1:              # a group of one cannot wait for anybody
            sys.excepthook = self._excepthook
            watchdog = threading.Thread(target=self._watch, name="tinygrad_edu-watchdog", daemon=True)
            watchdog.start()

    @contextmanager
    def collective(self, name: str):
        """Run one collective under the watchdog."""
        self.count += 1
        self._waiting = (name, self.count, time.monotonic())
        try:
            yield self.comm
        finally:
            self._waiting = None

    def _watch(self):
        """Why a thread: the main thread is inside MPI, which cannot be interrupted; mpi4py releases the
        GIL there, and MPI_Abort may be called from any thread (MPI_THREAD_MULTIPLE)."""
        while not self._stop.wait(min(1.0, self.timeout / 10)):
            waiting = self._waiting
            if waiting is not None and time.monotonic() - waiting[2] > self.timeout:
                name, number, _ = waiting
                abort(f"{name} (collective #{number} of this rank) waited more than {self.timeout:g} s for "
                      "the other ranks: one of them exited, crashed, hangs, or called a different "
                      "collective. Pass init_process_group(timeout=...) if steps legitimately take longer")

    def _excepthook(self, kind, value, tb):
        fail(value)

    def close(self):
        self._stop.set()
        if sys.excepthook == self._excepthook:
            sys.excepthook = self._previous_hook


def _whoami() -> str:
    if _group is not None:
        return f"rank {_group.rank} of {_group.size}"
    comm = mpi().COMM_WORLD
    return f"rank {comm.Get_rank()} of {comm.Get_size()}"


def abort(message: str, code: int = 1, details: str = ""):
    """Print `message` naming this rank (after `details`, a traceback), then stop every rank of the job
    (a group of one just exits)."""
    sys.stdout.flush()
    report = f"{details}{MARKER} {_whoami()}: {message}; stopping every rank\n"
    sys.stderr.write(report)
    sys.stderr.flush()
    if _report_path is not None:
        with open(_report_path, "w") as f:       # closed, so on disk, before MPI_Abort
            f.write(report)
    comm = _group.comm if _group is not None else mpi().COMM_WORLD
    if comm.Get_size() > 1:
        comm.Abort(code)
    raise SystemExit(code)


def fail(exc: BaseException):
    """What a rank does with an exception nobody caught: show it, name the rank, stop the job.

    `sys.exit(0)` is a normal end; `sys.exit(n)` with n != 0 is a failure like an exception."""
    if isinstance(exc, SystemExit):
        if exc.code in (None, 0):
            return
        abort(f"exited with status {exc.code!r}", exc.code if isinstance(exc.code, int) else 1)
    abort(f"raised {type(exc).__name__}: {exc}", details="".join(traceback.format_exception(exc)))


def init_process_group(backend: str = "mpi", timeout=DEFAULT_TIMEOUT, world_size=None, rank=None):
    """Join the job's process group: rank and world size come from the MPI launcher (`mpiexec -n N`).

    `timeout` (seconds or a timedelta, default 5 minutes) bounds every collective; a rank that waits
    longer names itself and stops the job instead of hanging. `world_size`/`rank` may be given as in
    PyTorch, and are checked against what mpiexec says. Calling it again keeps the group (a notebook
    cell may be run twice) and takes the new timeout.
    """
    global _group
    if backend != "mpi":
        raise ValueError(f"init_process_group: backend {backend!r} is not supported; tinygrad_edu "
                         "runs its collectives over MPI (backend='mpi')")
    seconds = _seconds(timeout)
    if _group is None:
        _group = _Group(mpi().COMM_WORLD, seconds)
    _group.timeout = seconds
    for name, given, actual in (("world_size", world_size, _group.size), ("rank", rank, _group.rank)):
        if given is not None and given != actual:
            raise ValueError(f"init_process_group: {name}={given!r} was given, but mpiexec started this "
                             f"process with {name} {actual}")


def destroy_process_group():
    """Leave the group (MPI itself stays up until the process exits, so a new group can start)."""
    global _group
    if _group is not None:
        _group.close()
        _group = None


def is_initialized() -> bool:
    return _group is not None


def current(where: str) -> _Group:
    """The group, or a clear error naming the call that needed it."""
    if _group is None:
        raise RuntimeError(f"{where}: the process group is not initialized; call "
                           "tinygrad_edu.distributed.init_process_group() first")
    return _group


def get_rank() -> int:
    """This process's number, 0 .. world size - 1 (rank 0 usually prints, evaluates and saves)."""
    return current("get_rank").rank


def get_world_size() -> int:
    """How many processes the job has."""
    return current("get_world_size").size
