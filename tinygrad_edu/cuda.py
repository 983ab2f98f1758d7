"""`tinygrad_edu.cuda`, laid out as `torch.cuda`, answering truthfully: tinygrad_edu runs on an NVIDIA GPU
through CuPy, so a GPU is available when CuPy is installed and sees a device.

Random numbers are drawn on the host and then moved (tensor/random.py), so seeding the GPU is seeding
the one default generator.
"""
import functools

from .backend import cuda as _cuda_backend
from .tensor.random import manual_seed as _seed_default_generator


@functools.lru_cache(maxsize=1)
def device_count() -> int:
    """How many GPUs CuPy sees (0 without CuPy, without a driver, or without a GPU); asked once."""
    return _cuda_backend.device_count()


def is_available() -> bool:
    return device_count() > 0


def _require(where: str) -> None:
    if not is_available():
        raise RuntimeError(f"cuda.{where}: no CUDA GPU is available (tinygrad_edu needs CuPy and a GPU); "
                           "check cuda.is_available() first")


def current_device() -> int:
    _require("current_device")
    return 0


def get_device_name(device=None) -> str:
    _require("get_device_name")
    import cupy

    index = 0 if device is None else int(str(device).rpartition(":")[2] or 0)
    name = cupy.cuda.runtime.getDeviceProperties(index)["name"]
    return name.decode() if isinstance(name, bytes) else str(name)


def synchronize(device=None) -> None:
    """Wait for the GPU to finish its queued work (timing GPU code needs this)."""
    if is_available():
        import cupy

        cupy.cuda.runtime.deviceSynchronize()


def empty_cache() -> None:
    """Give CuPy's cached, unused GPU memory back to the driver."""
    if is_available():
        import cupy

        cupy.get_default_memory_pool().free_all_blocks()


def manual_seed(seed) -> None:
    _seed_default_generator(seed)


manual_seed_all = manual_seed
