"""What `Graph.optimize()` tells you: nodes before and after each pass, and the planned peak memory."""
from .memory_plan import peak_bytes


def _mb(n: int) -> str:
    return f"{n / 2**20:.2f} MiB" if n >= 2**20 else f"{n / 1024:.1f} KiB"


class Report:
    """rows: (pass name, nodes before, nodes after); peak_unplanned/peak_planned in bytes."""

    def __init__(self, g):
        self.rows, self._last = [], len(g.nodes)
        self.peak_unplanned, self.peak_planned = peak_bytes(g, planned=False), None

    def add(self, name: str, g) -> None:
        self.rows.append((name, self._last, len(g.nodes)))
        self._last = len(g.nodes)
        if g.buffers is not None:         # both figures for the same (final) graph
            self.peak_planned, self.peak_unplanned = peak_bytes(g), peak_bytes(g, planned=False)

    def __str__(self) -> str:
        lines = [f"{'pass':<18}nodes before -> after"]
        lines += [f"{name:<18}{before:>12} -> {after}" for name, before, after in self.rows]
        memory = f"peak memory of intermediates: {_mb(self.peak_unplanned)} without a plan"
        if self.peak_planned is not None:
            saved = 1 - self.peak_planned / self.peak_unplanned if self.peak_unplanned else 0
            memory += f", {_mb(self.peak_planned)} planned ({saved:.0%} less)"
        return "\n".join(lines + [memory])

    __repr__ = __str__
