"""The module surface as PyTorch lays it out: device objects, cuda/backends answers, Generator,
inference_mode and set_grad_enabled, default dtype and device, the error classes, load's keywords,
utils.data's module paths, as_torch, and the new nn modules and losses against PyTorch."""
import importlib.util
import sys

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn
from tinygrad_edu.as_torch import as_torch
from tinygrad_edu.errors import ShapeError

torch = pytest.importorskip("torch")


def test_device_objects_behave_like_pytorchs_and_stay_names():
    d = tg.device("cuda:0")
    assert (d.type, d.index, str(d), repr(d)) == ("cuda", 0, "cuda:0", repr(torch.device("cuda:0")))
    assert repr(tg.device("cuda", 1)) == repr(torch.device("cuda", 1)) and tg.device("cpu").index is None
    assert tg.device(d) is d and hash(tg.device("cpu")) == hash(tg.device("cpu"))
    x = tg.ones(2)
    assert isinstance(x.device, tg.device) and x.device == "cpu" and x.device.type == "cpu" and not x.is_cuda
    assert x.to(tg.device("strict")).device == "strict" and x.to(tg.device("cpu")) is x
    for bad in ("gpu", "cuda:x", "cuda:-1"):
        with pytest.raises(ValueError):
            tg.device(bad)
    model = nn.Linear(2, 2).to(tg.float64).to(tg.device("strict"))
    assert model.weight.dtype == tg.float64 and model.weight.device == "strict"
    assert model.cpu().weight.device == "cpu"


def test_cuda_and_backends_tell_the_truth():
    cupy_gpu = False
    if importlib.util.find_spec("cupy") is not None:
        import cupy

        try:
            cupy_gpu = cupy.cuda.runtime.getDeviceCount() > 0
        except cupy.cuda.runtime.CUDARuntimeError:
            cupy_gpu = False
    assert tg.cuda.is_available() is cupy_gpu and (tg.cuda.device_count() > 0) is cupy_gpu
    assert tg.backends.mps.is_available() is False and tg.backends.mps.is_built() is False
    tg.backends.cudnn.benchmark = True  # programs set these; they are kept and do nothing here
    assert tg.backends.cudnn.benchmark is True
    tg.backends.cudnn.benchmark = False
    if not cupy_gpu:
        with pytest.raises(RuntimeError, match="no CUDA GPU is available"):
            tg.cuda.current_device()
        tg.cuda.synchronize()  # nothing to wait for


def test_generators_make_random_functions_reproducible_and_independent():
    g = tg.Generator().manual_seed(42)
    assert g.manual_seed(42) is g and g.initial_seed() == 42
    first = [tg.randn(3, generator=g).tolist(), tg.rand(2, generator=g).tolist(),
             tg.randint(0, 10, (4,), generator=g).tolist(), tg.randperm(5, generator=g).tolist()]
    g.manual_seed(42)
    tg.manual_seed(0)
    tg.randn(100)  # the default generator is another stream
    again = [tg.randn(3, generator=g).tolist(), tg.rand(2, generator=g).tolist(),
             tg.randint(0, 10, (4,), generator=g).tolist(), tg.randperm(5, generator=g).tolist()]
    assert first == again
    assert tg.manual_seed(5) is tg.default_generator and tg.initial_seed() == 5
    state = tg.get_rng_state()
    a = tg.rand(3).tolist()
    tg.set_rng_state(state)
    assert tg.rand(3).tolist() == a
    with pytest.raises(TypeError, match="generator must be a Generator"):
        tg.randn(2, generator=np.random.default_rng(0))


def test_inference_mode_and_set_grad_enabled():
    w = tg.ones(2, requires_grad=True)
    with tg.inference_mode():
        assert not (w * 2).requires_grad and tg.is_inference_mode_enabled()
        with tg.inference_mode(False):
            assert (w * 2).requires_grad is False  # mode=False leaves recording as it was
    assert (w * 2).requires_grad and not tg.is_inference_mode_enabled()

    @tg.inference_mode()
    def evaluate():
        return w * 3

    assert not evaluate().requires_grad
    with tg.set_grad_enabled(False):
        assert not (w * 2).requires_grad
    assert tg.is_grad_enabled()
    tg.set_grad_enabled(False)
    try:
        assert not tg.is_grad_enabled()
    finally:
        tg.set_grad_enabled(True)


def test_default_dtype_and_device_reach_every_new_tensor():
    tg.set_default_dtype(tg.float64)
    try:
        assert tg.tensor([1.0]).dtype == tg.float64 and tg.randn(2).dtype == tg.float64
        assert nn.Linear(2, 3).weight.dtype == tg.float64 and (tg.tensor([1, 2]) / 2).dtype == tg.float64
        assert tg.get_default_dtype() == tg.float64
    finally:
        tg.set_default_dtype(tg.float32)
    with pytest.raises(TypeError, match="only floating point types"):
        tg.set_default_dtype(tg.int64)
    assert tg.zeros(1, dtype=float).dtype == tg.float64 and tg.float is tg.float32 and tg.long is tg.int64
    with tg.device("strict"):
        made = [tg.zeros(2), tg.tensor([1.0]), tg.arange(3), tg.randn(2), nn.Linear(2, 2).weight]
        assert tg.get_default_device() == "strict"
    assert all(t.device == "strict" for t in made) and tg.ones(1).device == "cpu"
    tg.set_default_device("strict")
    try:
        assert tg.full((2,), 3.0).device == "strict"
    finally:
        tg.set_default_device(None)


def test_shape_errors_are_runtime_and_value_errors_with_the_old_messages():
    cases = [
        (lambda: tg.ones(2, 3) + tg.ones(4), r"add: shapes \(2, 3\) and \(4,\) don't broadcast"),
        (lambda: tg.ones(3, 4) @ tg.ones(5, 6), r"matmul: \(3, 4\) @ \(5, 6\): inner dimensions 4 and 5"),
        (lambda: tg.ones(2, 3).reshape(4), r"reshape: cannot reshape \(2, 3\)"),
        (lambda: tg.cat([tg.ones(2, 3), tg.ones(2, 4)]), r"cat: shapes must match except along dim 0"),
        (lambda: tg.ones(2).item(), r"item\(\): only a tensor with one element"),
    ]
    for make, message in cases:
        for kind in (ShapeError, RuntimeError, ValueError):
            with pytest.raises(kind, match=message):
                make()


def test_load_takes_map_location_and_weights_only(tmp_path):
    path = tmp_path / "ckpt.tgc"
    tg.save({"w": tg.ones(2, requires_grad=True), "steps": 3, "nested": [tg.zeros(1)]}, path)
    moved = tg.load(path, map_location="strict", weights_only=True)
    assert moved["w"].device == "strict" and moved["w"].requires_grad
    assert moved["nested"][0].device == "strict"
    assert moved["steps"] == 3
    kept = tg.load(path, map_location=lambda storage, loc: storage)
    assert kept["w"].device == "cpu"
    mapped = tg.load(path, map_location={"cpu": tg.device("strict")}, weights_only=False)
    assert mapped["w"].device == "strict"


def test_utils_data_is_the_data_package_under_pytorchs_module_paths():
    from tinygrad_edu.utils.data import DataLoader, RandomSampler, TensorDataset
    from tinygrad_edu.utils.data.dataloader import DataLoader as LoaderFromModule
    from tinygrad_edu.utils.data.dataset import Dataset
    from tinygrad_edu.utils.data.sampler import BatchSampler

    assert DataLoader is LoaderFromModule is tg.data.DataLoader and TensorDataset is tg.data.TensorDataset
    assert Dataset is tg.data.Dataset and BatchSampler is tg.data.BatchSampler
    assert RandomSampler is tg.data.RandomSampler


def test_as_torch_answers_pytorchs_module_names_and_puts_the_real_ones_back():
    real = sys.modules["torch"]
    with as_torch() as fake:
        import torch as inside
        import torch.nn.functional as functional
        from torch.utils.data.dataloader import DataLoader

        assert inside is fake is tg and functional is nn.functional and DataLoader is tg.data.DataLoader
    assert sys.modules["torch"] is real and sys.modules["torch.nn"] is torch.nn


ACTIVATIONS = [  # (CELU's alpha is exact in float32: PyTorch rounds 1/alpha to float32 there)
    lambda m: m.ELU(alpha=0.5), lambda m: m.SELU(), lambda m: m.CELU(0.5), lambda m: m.SiLU(),
    lambda m: m.Mish(), lambda m: m.Hardtanh(-0.5, 0.5), lambda m: m.ReLU6(), lambda m: m.Softplus(beta=2.0),
    lambda m: m.Softsign(), lambda m: m.LogSigmoid(), lambda m: m.Softmin(dim=1),
    lambda m: m.LeakyReLU(0.2, inplace=True), lambda m: m.ReLU(inplace=True),
]


@pytest.mark.parametrize("build", ACTIVATIONS)
def test_new_activation_modules_print_and_compute_like_pytorchs(build):
    ours, theirs = build(nn), build(torch.nn)
    assert repr(ours) == repr(theirs)
    x = np.linspace(-3, 3, 12).reshape(3, 4)
    t, r = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, ref = ours(t * 1), theirs(r * 1)
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-12, atol=1e-14)
    out.sum().backward()
    ref.sum().backward()
    np.testing.assert_allclose(t.grad.numpy(), r.grad.numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("beta", [0.0, 0.4, 1.0])
def test_smooth_l1_and_huber_losses_match_pytorch(reduction, beta):
    x, y = np.array([[-2.0, -0.3, 0.0], [0.35, 1.0, 4.0]]), np.array([[0.0, 0.1, 0.0], [0.0, 0.6, 1.0]])
    F, TF = nn.functional, torch.nn.functional
    for ours, theirs, kw in [(F.smooth_l1_loss, TF.smooth_l1_loss, {"beta": beta}),
                             (F.huber_loss, TF.huber_loss, {"delta": beta or 1.0})]:
        t, r = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        out = ours(t, tg.tensor(y), reduction=reduction, **kw)
        ref = theirs(r, torch.tensor(y), reduction=reduction, **kw)
        np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-12)
        out.sum().backward()
        ref.sum().backward()
        np.testing.assert_allclose(t.grad.numpy(), r.grad.numpy(), rtol=1e-12)
