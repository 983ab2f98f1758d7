"""GPU against CPU: the LeNet-style CNN training step (conv_step's model and data) at batch 512 and the
MLP 784-256-128-10 step (mlp_step's) at batch 256 and 4096, each on device="cuda" (CuPy) and on the
CPU (NumPy, every core of the machine), for tinygrad_edu and, as a reference, PyTorch. A GPU step
waits for the device to finish before its time is taken. Where no GPU and CuPy are present every
peer is skipped (the comparison is the point, and batch 512 on a laptop's CPU is a waste of minutes);
bench/gpu_check.sh runs this on a GPU machine together with the cuda op suite."""
import os

from bench import Skip
from bench.workloads import conv_step, mlp_step

BASELINE = "tinygrad_edu_cpu"
PEERS = ["tinygrad_edu_cpu", "tinygrad_edu_cuda", "torch_cpu", "torch_cuda"]
THREADS = os.cpu_count() or 2
CASES = [{"model": model, "batch": batch, "threads": THREADS}
         for model, batch in (("cnn", 512), ("mlp", 256), ("mlp", 4096))]
LR = 0.01


def setup(peer: str, case: dict):
    if peer not in PEERS:
        raise Skip(f"unknown peer {peer}")
    from tinygrad_edu.backend import cuda

    if not cuda.available():
        raise Skip("no GPU with CuPy on this machine")
    lib, device = peer.split("_")
    return make_step(lib, device, case["model"], case["batch"])


def make_step(lib: str, device: str, model: str, batch: int):
    """One SGD step of `model` with `lib` ("tinygrad_edu" or "torch") on `device`; waits for the device."""
    if lib == "torch":
        import torch as engine
        from torch.nn import functional as F

        def sync():
            if device == "cuda":
                engine.cuda.synchronize()

        def make(value, grad=False):
            return engine.tensor(value, device=device, requires_grad=grad)
    else:
        import tinygrad_edu as engine
        from tinygrad_edu.nn import functional as F

        def sync():
            if device == "cuda":
                import cupy

                cupy.cuda.Device().synchronize()

        def make(value, grad=False):
            return engine.Tensor(value, device=device, requires_grad=grad)

    if model == "cnn":
        images, labels, arrays = conv_step._data_and_params(batch)
        params = {name: make(value, True) for name, value in arrays.items()}
        x, y = make(images), make(labels)

        def loss():
            return conv_step._lenet_loss(F, x, y, params)
    else:
        arrays, inputs, targets = mlp_step._data(batch)
        params = {str(i): make(value, True) for i, value in enumerate(arrays)}
        x, y = make(inputs), make(targets)

        def loss():
            w1, b1, w2, b2, w3, b3 = params.values()
            return F.cross_entropy(((x @ w1 + b1).relu() @ w2 + b2).relu() @ w3 + b3, y)

    def step():
        loss().backward()
        with engine.no_grad():
            for p in params.values():
                if lib == "torch":
                    p.sub_(LR * p.grad)
                else:
                    p.array -= LR * p.grad.array
                p.grad = None
        sync()
        return params

    return step
