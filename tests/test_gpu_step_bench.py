"""The gpu_step benchmark, checked where there is no GPU: its steps run on the strict device (which
refuses NumPy as CuPy does) and take the same SGD steps there as on the CPU; with no GPU it skips."""
import numpy as np
import pytest

from bench import Skip
from bench.workloads import gpu_step
from tinygrad_edu.backend import cuda


@pytest.mark.parametrize("model", ["cnn", "mlp"])
def test_device_step_follows_the_cpu_step(model):
    on_cpu, on_strict = gpu_step.make_step("tinygrad_edu", "cpu", model, 4), gpu_step.make_step(
        "tinygrad_edu", "strict", model, 4)
    for _ in range(2):
        expected, got = on_cpu(), on_strict()
    for name, p in expected.items():
        np.testing.assert_allclose(got[name].numpy(), p.numpy(), rtol=1e-5, atol=1e-6, err_msg=name)


@pytest.mark.skipif(cuda.available(), reason="a GPU is present")
def test_without_a_gpu_every_peer_is_skipped():
    for peer in gpu_step.PEERS:
        with pytest.raises(Skip, match="no GPU"):
            gpu_step.setup(peer, gpu_step.CASES[0])
