"""A training step of the playground-sized network (2-8-8-1 tanh MLP, batch 16, MSE loss, SGD):
at this size every op is tiny, so the figure is per-op framework cost. The static graph runs the
whole step as one generated Python function over ~25 fused nodes; dynamic mode builds and walks the
graph each step. Goal (issue 9): static >= 3x faster than dynamic."""
BASELINE = "dynamic"
PEERS = ["static", "dynamic"]
CASES = [{"batch": 16}]


def setup(peer: str, case: dict):
    import numpy as np

    import tinygrad_edu as tg

    tg.manual_seed(0)
    model = tg.nn.Sequential(tg.nn.Linear(2, 8), tg.nn.Tanh(), tg.nn.Linear(8, 8), tg.nn.Tanh(),
                             tg.nn.Linear(8, 1))
    opt = tg.optim.SGD(model.parameters(), lr=0.05)
    rng = np.random.default_rng(0)
    x = tg.tensor(rng.standard_normal((case["batch"], 2)).astype(np.float32))
    y = tg.tensor(rng.standard_normal((case["batch"], 1)).astype(np.float32))

    def step(x, y):
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
        return loss

    if peer == "dynamic":
        return lambda: step(x, y)
    graph, _ = tg.trace(step, x, y).optimize()
    return lambda: graph(x, y)
