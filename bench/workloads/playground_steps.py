"""One Playground training step of the default network (features x1, x2 -> 4 tanh -> 2 tanh -> 1 logit) on
500 points (250 train, batch 10, binary cross entropy), including what the Playground records every step:
the train and test loss over all 500 points. Goal: at least 1,000 steps/s in the kernel, i.e. a median
under 1 ms per step.

Peers: `playground` is `pg.step(1)` on `Playground()` (its NumPy forward/backward, then the
`tinygrad_edu.optim` update); `playground_tensor_engine` is the same network, data and seed passed as
`Playground(model=..., data=...)`, which trains through the Tensor engine (what any user model gets);
`torch` is the same step written in PyTorch (forward, BCEWithLogits, backward, `torch.optim`, then both
losses under no_grad). The TensorFlow Playground is not measured here (its code is not in this
environment); by its design it runs one epoch (250/10 = 25 updates) per animation frame, so at 60 frames/s
at most ~1,500 updates/s, drawn 60 times a second. One thread: on arrays this small a second thread
only adds synchronisation (PyTorch at two threads was 5-20x slower on the shared 2-core machine)."""
from bench import Skip

BASELINE = "torch"
PEERS = ["playground", "playground_tensor_engine", "torch"]
CASES = [{"optimizer": "sgd", "threads": 1}, {"optimizer": "adam", "threads": 1}]


def _playground(case, tensor_engine: bool):
    from tinygrad_edu.widgets import Playground

    pg = Playground(optimizer=case["optimizer"], seed=0)
    if tensor_engine:
        pg = Playground(model=pg.model, data=(pg.data.X, pg.data.y), optimizer=case["optimizer"], seed=0)
        assert pg._session.fast is None
    return lambda: pg.step(1)


def _torch(case):
    import torch

    from tinygrad_edu.widgets import Playground

    reference = Playground(seed=0)                      # the same points, split and initial weights
    data = reference.data
    X = torch.tensor(data.X)
    y = torch.tensor(data.y, dtype=torch.float32)[:, None]
    train = torch.tensor((~data.is_test).nonzero()[0])
    test = torch.tensor(data.is_test.nonzero()[0])
    linears = [m for m in reference.model if type(m).__name__ == "Linear"]
    layers = []
    for i, linear in enumerate(linears):
        layer = torch.nn.Linear(linear.in_features, linear.out_features)
        with torch.no_grad():
            layer.weight.copy_(torch.tensor(linear.weight.numpy()))
            layer.bias.copy_(torch.tensor(linear.bias.numpy()))
        layers += [layer] + ([torch.nn.Tanh()] if i < len(linears) - 1 else [])
    model = torch.nn.Sequential(*layers)
    opt = (torch.optim.SGD if case["optimizer"] == "sgd" else torch.optim.Adam)(model.parameters(), lr=0.03)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    each = torch.nn.BCEWithLogitsLoss(reduction="none")
    generator = torch.Generator().manual_seed(0)
    state = {"order": train[torch.randperm(len(train), generator=generator)], "pos": 0}

    def step():
        if state["pos"] + 10 > len(train):
            state["order"], state["pos"] = train[torch.randperm(len(train), generator=generator)], 0
        batch = state["order"][state["pos"]:state["pos"] + 10]
        state["pos"] += 10
        opt.zero_grad()
        loss_fn(model(X[batch]), y[batch]).backward()
        opt.step()
        with torch.no_grad():
            losses = each(model(X), y)[:, 0]
            return float(losses[train].mean()), float(losses[test].mean())

    return step


def setup(peer: str, case: dict):
    if peer == "playground":
        return _playground(case, tensor_engine=False)
    if peer == "playground_tensor_engine":
        return _playground(case, tensor_engine=True)
    if peer == "torch":
        return _torch(case)
    raise Skip(f"unknown peer {peer}")
