"""`mpiexec -n 2 python raise_on_rank.py`: rank 1 raises while rank 0 waits in an all_reduce that rank 1
never joins; the group's excepthook must name rank 1 and stop the job (not leave rank 0 waiting)."""
import tinygrad_edu as tg
from tinygrad_edu import distributed as dist


def main():
    dist.init_process_group(timeout=60)   # far longer than the test waits: the excepthook must act first
    if dist.get_rank() == 1:
        raise RuntimeError("rank 1 cannot go on")
    dist.all_reduce(tg.ones(3))
    print("rank 0 should never get here", flush=True)


if __name__ == "__main__":        # pytest's doctest collection imports this file: it must not start MPI
    main()
