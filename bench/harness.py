"""Runs workloads round-robin across peer processes and reports medians and ratios.

Method (BENCHMARKS.md): threads fixed to 2, one warm process per peer, samples taken in turn
(A B C A B C ...), the ratio to the baseline taken sample by sample and its median reported.
"""
import datetime
import importlib
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
# A case's "threads" key (default 2) sizes every library's thread pool in that case's workers.
THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
# OpenBLAS's idle threads sleep after ~1M cycles instead of spinning ~0.1 s into the next peer's
# sample. (Making PyTorch's OpenMP threads passive too was tried: it slowed PyTorch 1.7-2.4x, unfairly.)
NO_SPIN = {"OPENBLAS_THREAD_TIMEOUT": "20"}


def _env(threads: int) -> dict:
    """Each worker starts with its thread pools sized before any library loads."""
    env = dict(os.environ)
    env.update({var: str(threads) for var in THREAD_VARS})
    for var, value in NO_SPIN.items():
        env.setdefault(var, value)
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).parent.parent), env.get("PYTHONPATH", "")])
    return env


class _Peer:
    """A worker process holding one peer's set-up case."""

    def __init__(self, workload: str, peer: str, case: dict, target_s: float):
        self.name = peer
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.worker", workload, peer, json.dumps(case), str(target_s)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=_env(case.get("threads", 2)))
        self.samples: list[float] = []
        self.skip = None
        self.number = 0
        self.metrics = None

    def handshake(self) -> None:
        line = self.proc.stdout.readline()
        if not line:
            self.skip = f"worker died during set-up (exit code {self.proc.wait()})"
            return
        reply = json.loads(line)
        self.skip, self.number = reply.get("skip"), reply.get("ready", 0)
        self.metrics = reply.get("metrics")

    def sample(self) -> None:
        try:
            self.proc.stdin.write("go\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        except BrokenPipeError:
            line = ""
        if not line:
            self.skip = f"worker died while timing (exit code {self.proc.wait()})"
            return
        self.samples.append(json.loads(line)["seconds"])

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=60)


def run_case(workload: str, module, case: dict, repeats: int, target_s: float) -> list[dict]:
    """Time every peer on one case; return one row per peer."""
    peers = []
    for name in module.PEERS:                       # set up one at a time: no two warm-ups overlap
        peer = _Peer(workload, name, case, target_s)
        peer.handshake()
        peers.append(peer)
    for _ in range(repeats):
        for peer in peers:
            if peer.skip is None:
                peer.sample()
    for peer in peers:
        peer.close()
    base = next((p for p in peers if p.name == module.BASELINE and p.skip is None), None)
    rows = []
    for peer in peers:
        row = {"case": _show(case), "peer": peer.name}
        if peer.skip is not None:
            row["skipped"] = peer.skip
        else:
            row.update(median_s=statistics.median(peer.samples), min_s=min(peer.samples),
                       max_s=max(peer.samples), samples=len(peer.samples), calls_per_sample=peer.number)
            if base is not None and base.samples:
                pairs = [t / b for t, b in zip(peer.samples, base.samples)]
                row["ratio"] = statistics.median(pairs)
        if peer.metrics:
            row["metrics"] = peer.metrics
        rows.append(row)
    return rows


def _show(case: dict) -> dict:
    """Keys starting with '_' steer the harness and are not part of the case's name."""
    return {k: v for k, v in case.items() if not k.startswith("_")}


def machine() -> dict:
    import numpy
    info = {"python": platform.python_version(), "numpy": numpy.__version__,
            "machine": platform.machine(), "cpus": os.cpu_count(),
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "malloc": {k: os.environ[k] for k in os.environ if k.startswith("MALLOC_")}}
    try:
        with open("/proc/cpuinfo") as f:
            info["cpu"] = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        info["cpu"] = platform.processor()
    return info


def run_workload(name: str, repeats: int | None = None, target_s: float = 0.2) -> dict:
    module = importlib.import_module(f"bench.workloads.{name}")
    rows = []
    for case in module.CASES:
        reps = repeats or case.get("_repeats", getattr(module, "REPEATS", 7))
        rows.extend(run_case(name, module, case, reps, target_s))
    result = {"workload": name, "about": (module.__doc__ or "").strip(), "baseline": module.BASELINE,
              "machine": machine(), "rows": rows}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=1) + "\n")
    (RESULTS / f"{name}.md").write_text(to_markdown(result))
    return result


def _fmt_time(seconds: float) -> str:
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds * 1e9:.3g} ns"


def to_markdown(result: dict) -> str:
    m = result["machine"]
    lines = [f"# {result['workload']}", "", result["about"], "",
             f"Measured {m['date']} on {m.get('cpu', '?')} ({m['cpus']} cpus), Python {m['python']}, "
             f"NumPy {m['numpy']}, 2 threads unless the case says `threads`, "
             f"allocator settings {m['malloc'] or 'default'}. "
             f"Ratio = time / time of `{result['baseline']}`, median of per-sample ratios "
             "(lower is faster).", "",
             "| case | peer | median | min | max | ratio vs baseline |", "|---|---|---|---|---|---|"]
    for row in result["rows"]:
        case = ", ".join(f"{k}={v}" for k, v in row["case"].items())
        if "skipped" in row:
            lines.append(f"| {case} | {row['peer']} | - | - | - | skipped: {row['skipped']} |")
        else:
            ratio = f"{row['ratio']:.2f}" if "ratio" in row else "-"
            times = " | ".join(_fmt_time(row[k]) for k in ("median_s", "min_s", "max_s"))
            lines.append(f"| {case} | {row['peer']} | {times} | {ratio} |")
    measured = [row for row in result["rows"] if row.get("metrics")]
    if measured:
        lines += ["", "| case | peer | measured |", "|---|---|---|"]
        for row in measured:
            case = ", ".join(f"{k}={v}" for k, v in row["case"].items())
            values = ", ".join(f"{k} {v}" for k, v in row["metrics"].items())
            lines.append(f"| {case} | {row['peer']} | {values} |")
    return "\n".join(lines) + "\n"
