"""`run("echo_ranks.py", nprocs=4, args=...)`: each rank prints who it is, its arguments, and the sum of
all ranks (one all_reduce), so a test can check what each rank's output says."""
import sys

import tinygrad_edu as tg
from tinygrad_edu import distributed as dist


def main():
    dist.init_process_group()
    total = tg.tensor([float(dist.get_rank())])
    dist.all_reduce(total)
    rank, world = dist.get_rank(), dist.get_world_size()
    print(f"rank {rank} of {world}: args {sys.argv[1:]}, sum of ranks {total.item():g}")


if __name__ == "__main__":        # pytest's doctest collection imports this file: it must not start MPI
    main()
