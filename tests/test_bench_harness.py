"""The benchmark harness's own measurements: peak-memory growth of one call, and `Between` (work run
before each timed call that the timing leaves out)."""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench import Between
from bench.harness import MEMORY_MALLOC
from bench.worker import _time

PROBE = """
import numpy as np
from bench.worker import peak_growth
held = np.ones(4_000_000)                      # 32 MB resident before each call: not counted

def step():
    temporary = np.ones(2_000_000)             # 16 MB, freed when the call returns
    return float(temporary[0] + held[0])

print(peak_growth(step))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self")
def test_peak_growth_sees_a_temporary_array_and_not_what_was_held_before():
    """Run as the harness runs memory workers: a fresh process, glibc returning freed blocks at once."""
    env = dict(os.environ, **MEMORY_MALLOC, PYTHONPATH=str(Path(__file__).parent.parent))
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    assert 15e6 < int(out.stdout) < 24e6


def test_between_work_is_left_out_of_the_timing():
    calls = []
    timed = Between(lambda: calls.append("run"), lambda: (calls.append("between"), time.sleep(0.02)))
    wall, cpu = _time(timed, 3)
    assert calls == ["between", "run"] * 3
    assert wall < 0.01 and cpu < 0.01
