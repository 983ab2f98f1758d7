"""Run a notebook the way the suite does: this checkout's package, the small training budget
(TINYGRAD_EDU_FAST=1), the notebook's folder as the working directory; and read back what cells showed."""
import os
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def execute(nb, folder: Path, timeout: int = 300) -> float:
    """Execute `nb` in place (raises CellExecutionError naming the cell on any error); returns seconds."""
    env = {**os.environ, "TINYGRAD_EDU_FAST": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}})
    start = time.perf_counter()
    client.execute(env=env)
    return time.perf_counter() - start


def texts(cell) -> list:
    """The plain text of each output of a code cell (streams, displays, results, errors)."""
    found = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            found.append(out.text)
        elif out.output_type in ("display_data", "execute_result"):
            found.append(out.data.get("text/plain", ""))
        elif out.output_type == "error":
            found.append(f"{out.ename}: {out.evalue}")
    return found


def read(path: Path):
    return nbformat.read(path, as_version=4)
