"""One rank of a job started by `run()`: `python -m tinygrad_edu.distributed.worker FOLDER` under mpiexec.

The folder holds job.json (a script path and its arguments, or where to find a function) and the
function's arguments; the rank writes down its pid (so a launcher can name a rank that is killed)
and, for a function, its return value. Anything the target raises goes to `fail`, which names the
rank and stops the job.
"""
import importlib
import json
import os
import runpy
import sys
from pathlib import Path

from ..io import load, save
from .group import fail, mpi, report_failures_to


def _function(job: dict):
    if "module" in job:
        target = importlib.import_module(job["module"])
        for part in job["name"].split("."):
            target = getattr(target, part)
        return target
    namespace = {"__name__": "__tinygrad_edu_run__"}
    exec(compile(job["source"], f"<function {job['name']} sent by run()>", "exec"), namespace)
    return namespace[job["name"]]


def main(folder: Path) -> None:
    rank = mpi().COMM_WORLD.Get_rank()
    (folder / f"rank{rank}.pid").write_text(str(os.getpid()))
    report_failures_to(folder / f"rank{rank}.failure")
    job = json.loads((folder / "job.json").read_text())
    if "script" in job:
        sys.argv = [job["script"], *job["args"]]
        sys.path.insert(0, str(Path(job["script"]).parent))
        runpy.run_path(job["script"], run_name="__main__")
        return
    result = _function(job)(*load(folder / "args"))
    try:
        save(result, folder / f"rank{rank}.result")
    except TypeError as err:
        raise TypeError(f"run: rank {rank}'s return value cannot be sent back: {err}") from None


if __name__ == "__main__":
    try:
        main(Path(sys.argv[1]))
    except BaseException as exc:  # noqa: B036 - SystemExit and KeyboardInterrupt end a rank too
        fail(exc)
