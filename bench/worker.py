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

from bench import Skip


def _calibrate(fn, target_s: float) -> int:
    """Warm up, then choose how many calls make one sample last about `target_s`."""
    start = time.perf_counter()
    fn()
    once = time.perf_counter() - start
    if once < target_s / 10:
        fn()
    return max(1, int(target_s / max(once, 1e-9)))


def _time(fn, number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def main(workload: str, peer: str, case_json: str, target_s: float) -> None:
    module = importlib.import_module(f"bench.workloads.{workload}")
    case = json.loads(case_json)
    out = sys.stdout
    try:
        fn = module.setup(peer, case)      # thread counts come from the environment the harness sets
        number = _calibrate(fn, target_s)
    except Skip as why:
        print(json.dumps({"skip": str(why)}), file=out, flush=True)
        return
    except Exception as err:                       # report, don't hide: the table shows it
        traceback.print_exc(file=sys.stderr)
        print(json.dumps({"skip": f"failed: {type(err).__name__}: {err}"}), file=out, flush=True)
        return
    print(json.dumps({"ready": number, "metrics": getattr(fn, "metrics", None)}), file=out, flush=True)
    for line in sys.stdin:
        if line.strip() != "go":
            break
        print(json.dumps({"seconds": _time(fn, number)}), file=out, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]))
