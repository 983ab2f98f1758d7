"""One peer's process: set up a workload case, then time it each time the harness asks.

Why a process per peer: two frameworks' thread pools in one process slow each other down
(BENCHMARKS.md), and a peer that crashes (micrograd's recursion) takes nothing else with it.
Protocol on stdin/stdout, one JSON object a line: the worker says {"ready": number, "metrics": ...} or
{"skip": reason}; then each line "go" is answered {"seconds": per-call time}. A workload's callable
may carry a `metrics` dict (e.g. measured peak memory), reported beside its times.
"""
import importlib
import json
import sys
import time
import traceback

from bench import Between, Skip


def _calibrate(fn, target_s: float) -> int:
    """Warm up, then choose how many calls make one sample last about `target_s`."""
    once = _time(fn, 1)[0]
    if once < target_s / 10:
        _time(fn, 1)
    return max(1, int(target_s / max(once, 1e-9)))


def _time(fn, number: int) -> tuple:
    """(wall-clock, CPU) seconds per call. The CPU time is this process's, all its threads: it leaves
    out the time spent waiting for a core that another process holds. For a `Between`, only its `run`
    calls are timed."""
    if isinstance(fn, Between):
        wall = cpu = 0.0
        for _ in range(number):
            fn.between()
            start, start_cpu = time.perf_counter(), time.process_time()
            fn.run()
            wall += time.perf_counter() - start
            cpu += time.process_time() - start_cpu
        return wall / number, cpu / number
    start, start_cpu = time.perf_counter(), time.process_time()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number, (time.process_time() - start_cpu) / number


def _status_bytes(key: str) -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith(key))


def peak_growth(fn, repeats: int = 3) -> int:
    """Bytes by which one call raises the process's peak resident memory above what it held before:
    the kernel's high-water mark (VmHWM) is reset first (Linux: /proc/self/clear_refs). The smallest
    of a few calls, after two warm-up calls. The harness runs this with glibc told to give every
    freed block over 64 KB back to the system, so resident memory follows the live arrays."""
    run = fn.run if isinstance(fn, Between) else fn
    run()
    run()
    peaks = []
    for _ in range(repeats):
        before = _status_bytes("VmRSS:")
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        run()
        peaks.append(_status_bytes("VmHWM:") - before)
    return min(peaks)


def main(workload: str, peer: str, case_json: str, target_s: float, mode: str = "time") -> None:
    module = importlib.import_module(f"bench.workloads.{workload}")
    case = json.loads(case_json)
    out = sys.stdout
    try:
        fn = module.setup(peer, case)      # thread counts come from the environment the harness sets
        number = _calibrate(fn, target_s) if mode == "time" else 0
    except Skip as why:
        print(json.dumps({"skip": str(why)}), file=out, flush=True)
        return
    except Exception as err:                       # report, don't hide: the table shows it
        traceback.print_exc(file=sys.stderr)
        print(json.dumps({"skip": f"failed: {type(err).__name__}: {err}"}), file=out, flush=True)
        return
    if mode == "memory":
        try:
            print(json.dumps({"peak_bytes": peak_growth(fn)}), file=out, flush=True)
        except OSError as err:                     # not Linux, or /proc not writable
            print(json.dumps({"skip": f"no peak-memory reading here: {err}"}), file=out, flush=True)
        return
    print(json.dumps({"ready": number, "metrics": getattr(fn, "metrics", None)}), file=out, flush=True)
    for line in sys.stdin:
        if line.strip() != "go":
            break
        wall, cpu = _time(fn, number)
        print(json.dumps({"seconds": wall, "cpu_seconds": cpu}), file=out, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), *sys.argv[5:6])
