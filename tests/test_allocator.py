"""The cpu device keeps freed memory in the process (backend/allocator.py): a step's arrays, made and
freed again and again, stop faulting their pages in afresh; and whoever chose otherwise is obeyed.
Counted in page faults, which do not depend on how busy the machine is."""
import os
import platform
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
                                reason="the setting applies to glibc's malloc only")

# A "step" makes four 2 MB arrays and frees them, 20 times after one warm-up, as a training step makes
# and frees its activations: page faults counted over the 20. By default glibc raises its mmap threshold
# to 2 MB after the first free, but trims the heap's top once more than 4 MB of it is free, so each step
# faults its 4 x 512 pages in again.
STEPS = """
import resource, numpy as np
import tinygrad_edu
from tinygrad_edu.backend import allocator
arrays = [np.ones(1 << 18) for _ in range(4)]; del arrays
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(20):
    arrays = [np.ones(1 << 18) for _ in range(4)]; del arrays
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before, allocator.applied)
"""


def run_steps(**env) -> tuple:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MALLOC_", "TINYGRAD_EDU_MALLOC"))}
    done = subprocess.run([sys.executable, "-c", STEPS], env={**clean, **env}, capture_output=True, text=True,
                          check=True)
    faults, applied = done.stdout.split(" ", 1)
    return int(faults), applied.strip(), done.stderr


def test_arrays_made_and_freed_again_reuse_their_pages():
    faults, applied, _ = run_steps()
    assert applied == "{'mmap_threshold': 33554432, 'trim_threshold': 67108864}"
    assert faults < 100                                # 20 x 4 x 512 pages fault again by default


def test_the_opt_out_and_any_malloc_variable_leave_glibc_as_it_is():
    faults, applied, _ = run_steps(TINYGRAD_EDU_MALLOC="default")
    assert applied == "None" and faults > 20 * 4 * 400
    assert run_steps(MALLOC_ARENA_MAX="2")[1] == "None"


def test_a_misspelt_choice_is_named_and_changes_nothing():
    faults, applied, stderr = run_steps(TINYGRAD_EDU_MALLOC="defualt")
    assert applied == "None" and faults > 20 * 4 * 400
    assert "TINYGRAD_EDU_MALLOC='defualt' is not 'keep' or 'default'; malloc is left as it is" in stderr
    assert run_steps(TINYGRAD_EDU_MALLOC="keep")[1] != "None"
