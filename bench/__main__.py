"""`python -m bench [workload ...]`: run workloads (all of them by default) and print their tables."""
import argparse
import pkgutil
from pathlib import Path

from bench.harness import run_workload, to_markdown


def available() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent / "workloads")]))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("workloads", nargs="*", help=f"names, from: {', '.join(available())}")
    parser.add_argument("--repeats", type=int, default=None, help="samples per peer (default: workload's)")
    parser.add_argument("--sample-seconds", type=float, default=0.2, help="length of one timed sample")
    args = parser.parse_args()
    unknown = sorted(set(args.workloads) - set(available()))
    if unknown:
        parser.error(f"unknown workload(s) {', '.join(unknown)}; available: {', '.join(available())}")
    for name in args.workloads or available():
        print(to_markdown(run_workload(name, args.repeats, args.sample_seconds)), flush=True)


if __name__ == "__main__":
    main()
