"""Benchmarks against peers, run in the same session so that ratios can be trusted.

A workload is one module in `bench/workloads/` with BASELINE, PEERS, CASES and
`setup(peer, case) -> callable`; see README.md beside this file.
"""


class Skip(Exception):
    """Raised by a workload's setup when a peer cannot run a case (missing, or known to fail)."""


class Between:
    """What a setup may return instead of a bare callable: `run` is timed, and `between` runs before
    each timed call, untimed. For what a peer costs while another engine shares its process (the
    other engine's garbage is then the collector's work too, as in one notebook)."""

    def __init__(self, run, between):
        self.run, self.between = run, between
