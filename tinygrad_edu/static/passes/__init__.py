"""Graph passes: each a pure function `Graph -> Graph` in its own file, with a before/after example.

`optimize(g)` runs the default pipeline and reports what each pass changed (node counts, planned
peak memory), e.g.

    pass                 nodes   planned peak
    constant_folding     62 -> 55
    ...
"""
from .constant_folding import constant_folding
from .cse import cse
from .dce import dce
from .fusion import fusion
from .memory_plan import memory_plan, peak_bytes
from .report import Report
from .simplify import simplify

DEFAULT = (constant_folding, simplify, cse, dce, fusion, memory_plan)


def optimize(g, passes=None):
    """Run `passes` (default: DEFAULT) in order; return (new graph, Report)."""
    report = Report(g)
    for p in DEFAULT if passes is None else passes:
        g = p(g)
        report.add(p.__name__, g)
    return g, report


__all__ = ["DEFAULT", "Report", "constant_folding", "cse", "dce", "fusion", "memory_plan", "optimize",
           "peak_bytes", "simplify"]
