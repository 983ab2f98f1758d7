"""Shared helper for the nn tests: run one of our modules and its PyTorch twin side by side."""
import numpy as np
import torch

from tinygrad_edu import optim
from tinygrad_edu.tensor import Tensor


def flat(out):
    """Nested tuples of outputs (as RNNs return) as one flat list of Tensors."""
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in flat(o)]
    return [] if out is None else [out]


def _as_tensors(arrays):
    ours = [Tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    theirs = [torch.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    return ours, theirs


def compare_module(ours, theirs, *arrays, steps=10, rtol=1e-9, atol=1e-10, call=None, lr=0.01):
    """Same weights (copied from torch), same inputs: outputs, input and parameter gradients, then
    `steps` SGD-with-momentum steps on a fixed random projection of the outputs, must all agree."""
    call = call or (lambda module, *xs: module(*xs))
    ours.double()
    theirs.double()
    missing = ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    assert missing == ([], [])
    rng = np.random.default_rng(1)
    params = list(ours.parameters())
    opt = optim.SGD(params, lr=lr, momentum=0.9) if params else None
    ref_opt = torch.optim.SGD(theirs.parameters(), lr=lr, momentum=0.9) if params else None
    projections = None
    for step in range(max(steps, 1)):
        xs, txs = _as_tensors(arrays)
        outs, refs = flat(call(ours, *xs)), flat(call(theirs, *txs))
        assert len(outs) == len(refs)
        for o, r in zip(outs, refs):
            assert tuple(o.shape) == tuple(r.shape), (o.shape, r.shape)
            np.testing.assert_allclose(o.array, r.detach().numpy(), rtol=rtol, atol=atol)
        if projections is None:
            projections = [rng.normal(size=r.shape) for r in refs]
        loss = sum((o * Tensor(p)).sum() for o, p in zip(outs, projections) if o.requires_grad)
        ref_loss = sum((r * torch.tensor(p)).sum() for r, p in zip(refs, projections) if r.requires_grad)
        if opt:
            opt.zero_grad()
            ref_opt.zero_grad()
        loss.backward()
        ref_loss.backward()
        if step == 0:
            for x, tx in zip(xs, txs):
                if tx.grad is not None:
                    np.testing.assert_allclose(x.grad.array, tx.grad.numpy(), rtol=rtol, atol=atol)
        ref_params = dict(theirs.named_parameters())
        for name, p in ours.named_parameters():
            np.testing.assert_allclose(p.grad.array, ref_params[name].grad.numpy(), rtol=rtol, atol=atol,
                                       err_msg=f"gradient of {name} at step {step}")
        if opt:
            opt.step()
            ref_opt.step()
    for name, b in ours.named_buffers():
        np.testing.assert_allclose(b.array, dict(theirs.named_buffers())[name].numpy(), rtol=rtol, atol=atol)
