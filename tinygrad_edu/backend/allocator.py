"""How the "cpu" device's memory is handed out: glibc's malloc told to keep what a training step frees.

Why: a training step makes and frees the same arrays every time. By default glibc hands every freed
block above its mmap threshold (128 KB at first, adjusted as it goes) straight back to the operating
system and trims the top of its heap, so the next step asks for the same memory again and the kernel
faults each 4 KB page of it in afresh: 2,047 page faults per forward+backward of a 50-step LSTM (hidden
64, batch 32), ~1,500 for the GRU, against none with the setting below; the LSTM step took 19 ms
instead of 10 ms (bench/results/rnn_step.md, the malloc=keep cases).

What: the two thresholds are fixed at the limits glibc's own adaptive rules reach once a process has
freed a 32 MB block: blocks under 32 MB come from the heap and are reused, and up to 64 MB of free memory
may stay at its top. A process may therefore hold up to ~64 MB more than its live arrays, plus whatever
heap fragmentation leaves. Nothing changes where the C library is not glibc, where any MALLOC_*
variable is set (whoever set it has chosen), or with TINYGRAD_EDU_MALLOC=default ("keep", the default,
may be given too; any other value is named in a warning and changes nothing).
"""
import ctypes
import os
import platform
import warnings

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3      # mallopt's parameter numbers (glibc's malloc.h)
KEEP = {"mmap_threshold": 32 << 20, "trim_threshold": 64 << 20}
OPT_OUT = "TINYGRAD_EDU_MALLOC"

applied: dict | None = None    # what keep_freed_memory() set in this process, None if it left malloc alone


def keep_freed_memory() -> dict | None:
    """Apply KEEP to this process's malloc where that is glibc and nobody chose otherwise; returns what
    was applied (also in `applied`), or None."""
    global applied
    choice = os.environ.get(OPT_OUT, "keep")
    if choice not in ("keep", "default"):
        warnings.warn(f"{OPT_OUT}={choice!r} is not 'keep' or 'default'; malloc is left as it is",
                      stacklevel=2)
        return None
    if choice == "default" or any(name.startswith("MALLOC_") for name in os.environ):
        return None
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return None
    libc = ctypes.CDLL(None)                         # this process: glibc is loaded already
    if libc.mallopt(_M_MMAP_THRESHOLD, KEEP["mmap_threshold"]) != 1 or \
            libc.mallopt(_M_TRIM_THRESHOLD, KEEP["trim_threshold"]) != 1:
        return None                                  # mallopt returns 1 on success
    applied = dict(KEEP)
    return applied
