"""Opening a 2,000-tensor model graph (nn.Sequential of 333 Linear(16, 16) + Tanh pairs, then a sum):
snapshot + fold + DOT + Graphviz layout + SVG, against laying out the expanded graph's DOT alone.

Peers: `graphviz_dot` (baseline) renders the prepared DOT of the expanded graph with the same Graphviz
build (system `dot` if present, else WebAssembly); `draw` is `tinygrad_edu.draw(root)` (everything
drawn); `animator_expanded` is `GraphAnimator(root, model=model, collapsed="none")` (every node laid
out); `animator` is `GraphAnimator(root, model=model)` as a user gets it: at module level, the 333
identical blocks folded into one ×333 step. Target: `animator` under 1 s."""
import numpy as np

BASELINE = "graphviz_dot"
PEERS = ["graphviz_dot", "draw", "animator_expanded", "animator"]
CASES = [{"tensors": 2000, "_repeats": 5}]


def build(tensors: int):
    """x, then (tensors - 2) // 6 blocks of Linear(16, 16) + Tanh (6 tensors each), then a sum."""
    import tinygrad_edu as tg
    from tinygrad_edu import nn

    tg.manual_seed(0)
    layers = []
    for _ in range((tensors - 2) // 6):
        layers += [nn.Linear(16, 16), nn.Tanh()]
    model = nn.Sequential(*layers)
    x = tg.tensor(np.random.default_rng(0).normal(size=(8, 16)).astype(np.float32), name="x")
    return model, model(x).sum()


def setup(peer: str, case: dict):
    from tinygrad_edu import draw
    from tinygrad_edu.viz import snapshot, svg_from_dot, to_dot
    from tinygrad_edu.widgets import GraphAnimator

    model, root = build(case["tensors"])
    if peer == "graphviz_dot":
        source, _ = to_dot(snapshot(root, model=model))
        return lambda: svg_from_dot(source)
    if peer == "draw":
        return lambda: draw(root, model=model)
    if peer == "animator_expanded":
        return lambda: GraphAnimator(root, model=model, collapsed="none")
    if peer == "animator":
        return lambda: GraphAnimator(root, model=model)
    raise ValueError(f"graph_open: unknown peer {peer!r}; expected one of {PEERS}")
