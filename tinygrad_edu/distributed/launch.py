"""`run(target, nprocs=)`: start a job of N processes from Python or a notebook and collect the results.

It runs `mpiexec -n N` on the worker module (worker.py), which calls the target on every rank. Each
rank's output goes to its own file, which `run` follows and echoes line by line tagged `[rank r]`;
return values come back through `tinygrad_edu.save`/`load` (plain data, never pickle). A failed job
raises DistributedError naming the rank: the one that raised or timed out (it says so on stderr,
see group.py), or the one that was killed (mpiexec reports its pid; each rank wrote its pid down).
This is for one machine; several machines run the same script with `mpiexec -f hostfile`.
"""
import importlib.util
import inspect
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from ..io import load, save
from .group import MARKER, MPI_INSTALL_HINT, is_available

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


class DistributedError(RuntimeError):
    """A job failed; `ranks` are the ranks that reported the failure or were killed."""

    def __init__(self, message, ranks):
        super().__init__(message)
        self.ranks = ranks


def mpiexec() -> str:
    """mpiexec beside this Python (the mpich wheel installs it into the environment), else MPICH's
    on PATH: run() uses options of MPICH's launcher (Hydra) that other MPIs spell differently."""
    beside = Path(sys.executable).parent / "mpiexec"
    found = str(beside) if beside.exists() else shutil.which("mpiexec")
    if found is None or not is_available():
        raise RuntimeError(f"run: starting processes needs mpi4py and mpiexec (looked beside "
                           f"{sys.executable} and on PATH): {MPI_INSTALL_HINT}")
    if found != str(beside):
        info = subprocess.run([found, "-info"], capture_output=True, text=True, timeout=30)
        if "HYDRA" not in info.stdout:
            raise RuntimeError(f"run: {found} is not MPICH's mpiexec (Hydra), whose options run() uses; "
                               f"{MPI_INSTALL_HINT} puts one beside {sys.executable}")
    return found


def _function_job(fn) -> dict:
    """How a worker finds `fn`: by module name when it can import it, else by the function's source
    (a function defined in a notebook cell lives in __main__, which other processes cannot import)."""
    name = getattr(fn, "__qualname__", type(fn).__name__)
    if not inspect.isfunction(fn) or "<" in name or fn.__closure__:
        raise TypeError(f"run: expected a function defined at the top level of a module or notebook cell, "
                        f"got {name!r} (a lambda, nested function or other callable cannot be started in "
                        "another process)")
    if fn.__module__ != "__main__" and importlib.util.find_spec(fn.__module__) is not None:
        return {"module": fn.__module__, "name": name}
    try:
        source = textwrap.dedent(inspect.getsource(fn))
    except (OSError, TypeError) as err:
        raise TypeError(f"run: cannot read the source of {name!r} to start it in other processes "
                        f"({err})") from err
    return {"source": source, "name": name}


def _environment(nprocs: int, threads) -> dict:
    """Workers import what this process imports, and split the cores between them (unless told)."""
    env = dict(os.environ)
    per_rank = threads or max(1, (os.cpu_count() or 1) // nprocs)
    for var in THREAD_VARS:
        env.setdefault(var, str(per_rank))
    if nprocs > (os.cpu_count() or 1):   # a rank waiting in a collective sleeps, not spins on a shared core
        env.setdefault("MPIR_CVAR_ENABLE_HEAVY_YIELD", "1")
    root = str(Path(__file__).resolve().parents[2])          # the folder holding this tinygrad_edu
    paths = [root, *(p for p in sys.path if p and os.path.isdir(p))]
    paths += env.get("PYTHONPATH", "").split(os.pathsep)
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(p for p in paths if p))
    return env


class _Output:
    """Follows the ranks' output files; echoes each complete line tagged with its rank."""

    def __init__(self, folder: Path, nprocs: int, echo: bool):
        self.folder, self.nprocs, self.echo = folder, nprocs, echo
        self.offsets: dict = {}
        self.partial: dict = {}

    def poll(self, final=False):
        for rank in range(self.nprocs):
            for kind, stream in (("out", sys.stdout), ("err", sys.stderr)):
                path = self.folder / f"{rank}.{kind}"
                if not path.exists():
                    continue
                with open(path, "rb") as f:
                    f.seek(self.offsets.get(path, 0))
                    data = f.read()
                self.offsets[path] = self.offsets.get(path, 0) + len(data)
                lines = (self.partial.pop(path, b"") + data).split(b"\n")
                if not final:
                    self.partial[path] = lines.pop()
                elif not lines[-1]:
                    lines.pop()
                if self.echo and lines:
                    text = (line.decode(errors="replace") for line in lines)
                    stream.write("".join(f"[rank {rank}] {line}\n" for line in text))
                    stream.flush()

    def text(self, rank: int, kind: str) -> str:
        path = self.folder / f"{rank}.{kind}"
        return path.read_text(errors="replace") if path.exists() else ""


def _stop(proc):
    """Stop mpiexec and every rank it started (they share its process group)."""
    for sig, wait in ((signal.SIGTERM, 3), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _stderr_with_report(output, rank: int, folder: Path) -> str:
    """A rank's stderr as mpiexec saved it, with the rank's own copy of its failure report added where
    mpiexec stopped the job before that report had gone through (see group.report_failures_to)."""
    text, report = output.text(rank, "err"), folder / f"rank{rank}.failure"
    if report.exists():
        own = report.read_text(errors="replace")
        if own.strip() and own.strip().splitlines()[-1] not in text:
            text = f"{text}\n{own}" if text and not text.endswith("\n") else text + own
    return text


def _failure(what, nprocs, status, output, log, folder) -> DistributedError:
    """Name the rank(s) behind a failed job, with the end of the failing rank's stderr."""
    stderr = [_stderr_with_report(output, rank, folder) for rank in range(nprocs)]
    reports = [(rank, line[len(MARKER):].strip()) for rank in range(nprocs)
               for line in stderr[rank].splitlines() if line.startswith(MARKER)]
    if reports:
        ranks = sorted({rank for rank, _ in reports})
        tail = [line for line in stderr[ranks[0]].splitlines() if not line.startswith(MARKER)][-15:]
        details = "\n".join(text for _, text in reports)
        message = f"run: {what} failed:\n{details}"
        if tail:
            message += f"\n\nend of rank {ranks[0]}'s stderr:\n" + "\n".join(tail)
        return DistributedError(message, ranks)
    pid, sig = re.search(r"PID (\d+) RUNNING AT", log), re.search(r"\(signal (\d+)\)", log)
    pids = {int(path.read_text()): int(path.stem[4:]) for path in folder.glob("rank*.pid")}
    if pid and int(pid.group(1)) in pids:
        rank = pids[int(pid.group(1))]
        how = f"was killed by signal {sig.group(1)} ({signal.Signals(int(sig.group(1))).name})" if sig else \
            "ended abnormally"
        return DistributedError(f"run: {what} failed: rank {rank} of {nprocs} (pid {pid.group(1)}) {how}; "
                                "mpiexec stopped the other ranks", [rank])
    return DistributedError(f"run: {what} failed: mpiexec exited with status {status}:\n"
                            f"{log.strip()[-2000:]}", [])


def run(target, nprocs: int = 2, args=(), timeout=None, echo: bool = True, threads=None):
    """Run `target` on `nprocs` processes (one MPI job) and return one result per rank, in rank order.

    `target` is a function, called as `target(*args)` on every rank, whose return values come back
    (plain data: numbers, strings, lists, dicts, arrays, Tensors); or the path of a script, run as
    `python script.py *args`, whose printed output per rank comes back. Like a script, the function
    calls `init_process_group()` itself, and it starts in a fresh process: it must import what it uses
    (a function from a notebook cell travels as its source, without the notebook's variables). Output
    is echoed as `[rank r] ...` while the job runs. Each rank gets cores // nprocs BLAS threads unless
    `threads` or the OMP/OPENBLAS/MKL_NUM_THREADS variables say otherwise; with more processes than
    cores, MPICH is told to let a waiting rank sleep instead of spinning. `timeout` (seconds) stops
    the whole job; interrupting the caller (a notebook's stop button) stops it too.
    """
    if isinstance(nprocs, bool) or not isinstance(nprocs, int) or nprocs < 1:
        raise ValueError(f"run: nprocs must be a positive int, got {nprocs!r}")
    launcher = mpiexec()
    script = isinstance(target, (str, os.PathLike))
    if script and not Path(target).is_file():
        raise FileNotFoundError(f"run: no such script: {target}")
    job = ({"script": str(Path(target).resolve()), "args": [str(a) for a in args]} if script
           else _function_job(target))
    what = Path(target).name if script else f"{job['name']}()"
    with tempfile.TemporaryDirectory(prefix="tinygrad_edu-run-") as tmp:
        folder = Path(tmp)
        (folder / "job.json").write_text(json.dumps(job))
        if not script:
            try:
                save(list(args), folder / "args")
            except TypeError as err:
                raise TypeError(f"run: args must be plain data to reach the other processes: {err}") from None
        command = [launcher, "-n", str(nprocs), "-outfile-pattern", str(folder / "%r.out"),
                   "-errfile-pattern", str(folder / "%r.err"),
                   sys.executable, "-m", "tinygrad_edu.distributed.worker", str(folder)]
        output = _Output(folder, nprocs, echo)
        with open(folder / "mpiexec.log", "wb") as log:
            proc = subprocess.Popen(command, env=_environment(nprocs, threads), stdin=subprocess.DEVNULL,
                                    stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            while proc.poll() is None:
                output.poll()
                if deadline is not None and time.monotonic() > deadline:
                    _stop(proc)
                    output.poll(final=True)
                    raise TimeoutError(f"run: {what} on {nprocs} processes did not finish within "
                                       f"{timeout} s; every rank was stopped")
                time.sleep(0.05)
        finally:
            if proc.poll() is None:
                _stop(proc)
        output.poll(final=True)
        if proc.returncode != 0:
            log_text = (folder / "mpiexec.log").read_text(errors="replace")
            raise _failure(what, nprocs, proc.returncode, output, log_text, folder)
        if script:
            return [output.text(rank, "out") for rank in range(nprocs)]
        return [load(folder / f"rank{rank}.result") for rank in range(nprocs)]
