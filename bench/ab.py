"""`python -m bench.ab WORKLOAD --base DIR`: one peer's cases timed in two source trees, round-robin.

Why: a change that must not slow the engine down ("per-op overhead unchanged") is measured against
the code it changes, not against figures from another day. DIR holds the other tree (for example
`git archive main | tar -x -C DIR`); each side runs `bench.worker` with its own tree first on
PYTHONPATH, samples alternate A B A B ..., and the ratio this tree / DIR is taken sample by sample
(median reported, with the ratio of the two fastest samples, which load on a shared machine disturbs
least). Results go to results/<workload>_ab.json and .md.
"""
import argparse
import importlib
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from bench.harness import RESULTS, THREAD_VARS, machine

HERE = Path(__file__).resolve().parent.parent


def _worker(tree: Path, workload: str, peer: str, case: dict, target_s: float) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(tree), PYTHONDONTWRITEBYTECODE="1")
    env.update({var: str(case.get("threads", 2)) for var in THREAD_VARS})
    command = [sys.executable, "-m", "bench.worker", workload, peer, json.dumps(case), str(target_s)]
    proc = subprocess.Popen(command, cwd=tree, env=env, text=True, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE)
    reply = json.loads(proc.stdout.readline() or '{"skip": "worker died"}')
    if "ready" not in reply:
        raise SystemExit(f"{tree}: {reply.get('skip')}")
    return proc


def _sample(proc: subprocess.Popen) -> float:
    proc.stdin.write("go\n")
    proc.stdin.flush()
    return json.loads(proc.stdout.readline())["seconds"]


def compare(workload: str, peer: str, base: Path, samples: int, target_s: float) -> dict:
    module = importlib.import_module(f"bench.workloads.{workload}")
    rows = []
    for case in module.CASES:
        procs = {"this": _worker(HERE, workload, peer, case, target_s),
                 "base": _worker(base, workload, peer, case, target_s)}
        times: dict = {side: [] for side in procs}
        for _ in range(samples):
            for side, proc in procs.items():
                times[side].append(_sample(proc))
        for proc in procs.values():
            proc.stdin.close()
            proc.wait(timeout=60)
        pairs = [a / b for a, b in zip(times["this"], times["base"])]
        rows.append({"case": {k: v for k, v in case.items() if not k.startswith("_")},
                     "this_median_s": statistics.median(times["this"]),
                     "base_median_s": statistics.median(times["base"]), "ratio": statistics.median(pairs),
                     "ratio_of_fastest": min(times["this"]) / min(times["base"]), "samples": samples})
    return {"workload": workload, "peer": peer, "base": str(base), "machine": machine(), "rows": rows}


def to_markdown(result: dict) -> str:
    m = result["machine"]
    lines = [f"# {result['workload']}: this tree against {result['base']} ({result['peer']})", "",
             f"Measured {m['date']} on {m.get('cpu', '?')} ({m['cpus']} cpus), Python {m['python']}, NumPy "
             f"{m['numpy']}. Ratio = time here / time in the base tree, median of per-sample ratios "
             "(A B A B ...); the last column divides the two fastest samples.", "",
             "| case | here (median) | base (median) | ratio | ratio of fastest |", "|---|---|---|---|---|"]
    for row in result["rows"]:
        case = ", ".join(f"{k}={v}" for k, v in row["case"].items())
        here, there = row["this_median_s"] * 1e6, row["base_median_s"] * 1e6
        lines.append(f"| {case} | {here:.3g} µs | {there:.3g} µs | {row['ratio']:.2f} | "
                     f"{row['ratio_of_fastest']:.2f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ab", description=__doc__.splitlines()[0])
    parser.add_argument("workload")
    parser.add_argument("--base", type=Path, required=True, help="the other source tree")
    parser.add_argument("--label", help="what the base tree is, for the table (e.g. 'main at 8fc854b')")
    parser.add_argument("--peer", default="tinygrad_edu")
    parser.add_argument("--samples", type=int, default=31)
    parser.add_argument("--sample-seconds", type=float, default=0.1)
    args = parser.parse_args()
    result = compare(args.workload, args.peer, args.base.resolve(), args.samples, args.sample_seconds)
    result["base"] = args.label or result["base"]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.workload}_ab.json").write_text(json.dumps(result, indent=1) + "\n")
    (RESULTS / f"{args.workload}_ab.md").write_text(to_markdown(result))
    print(to_markdown(result))


if __name__ == "__main__":
    main()
