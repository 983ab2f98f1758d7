"""Benchmarks against peers, run in the same session so that ratios can be trusted.

A workload is one module in `bench/workloads/` with BASELINE, PEERS, CASES and
`setup(peer, case) -> callable`; see README.md beside this file.
"""


class Skip(Exception):
    """Raised by a workload's setup when a peer cannot run a case (missing, or known to fail)."""
