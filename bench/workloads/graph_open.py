"""Opening a 2,000-tensor graph (a 400-layer tanh network, one name scope per layer): snapshot + DOT +
Graphviz layout + SVG, against laying out the same DOT alone, so the ratio is our overhead over layout.

Peers: `graphviz_dot` (baseline) renders the prepared DOT with the same Graphviz build (system `dot` if
present, else WebAssembly); `draw` is `tinygrad_edu.draw(root)`; `animator_expanded` is
`GraphAnimator(root, max_nodes=10**6)` (every node laid out); `animator` is `GraphAnimator(root)` as a
user gets it (over `max_nodes`, so it opens with its scopes collapsed). Target: under 3 s."""
import numpy as np

BASELINE = "graphviz_dot"
PEERS = ["graphviz_dot", "draw", "animator_expanded", "animator"]
CASES = [{"tensors": 2000, "_repeats": 5}]


def build(tensors: int):
    """A chain of layers h = tanh(h @ w + b), 5 tensors per layer, each layer in its own name scope."""
    import tinygrad_edu as tg
    rng = np.random.default_rng(0)
    h = tg.Tensor(rng.normal(size=(8, 16)).astype(np.float32), name="x")
    for layer in range((tensors - 1) // 5):
        with tg.name_scope(f"layer{layer}"):
            w = tg.Tensor(rng.normal(size=(16, 16)).astype(np.float32) * 0.3, requires_grad=True, name="w")
            b = tg.Tensor(np.zeros(16, np.float32), requires_grad=True, name="b")
            h = (h @ w + b).tanh()
    return h.sum()


def setup(peer: str, case: dict):
    from tinygrad_edu import draw
    from tinygrad_edu.viz import snapshot, svg_from_dot, to_dot
    from tinygrad_edu.widgets import GraphAnimator

    root = build(case["tensors"])
    if peer == "graphviz_dot":
        source, _ = to_dot(snapshot(root))
        return lambda: svg_from_dot(source)
    if peer == "draw":
        return lambda: draw(root)
    if peer == "animator_expanded":
        return lambda: GraphAnimator(root, max_nodes=10**6)
    if peer == "animator":
        return lambda: GraphAnimator(root)
    raise ValueError(f"graph_open: unknown peer {peer!r}; expected one of {PEERS}")
