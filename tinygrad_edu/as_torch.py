"""Run PyTorch programs on tinygrad_edu: `python -m tinygrad_edu.as_torch script.py [args...]`, or
`with as_torch(): ...` around code that imports torch.

Why a module for it: `import tinygrad_edu as torch` covers `torch.tensor(...)` and `torch.nn.Linear`,
but a script that says `import torch.nn as nn` or `from torch.utils.data import DataLoader` asks
Python for modules *named* `torch.nn` and `torch.utils.data`. Inside `as_torch()` those names are
tinygrad_edu's modules (the ones laid out as PyTorch lays them out); on the way out, whatever was
registered under them before (real PyTorch, say) is put back.
"""
import contextlib
import runpy
import sys

from . import autograd, backends, cuda, distributed, nn, optim, utils

tinygrad_edu = sys.modules[__package__]  # the package itself, already imported before this submodule
MODULES = {
    "torch": tinygrad_edu,
    "torch.nn": nn,
    "torch.nn.functional": nn.functional,
    "torch.nn.init": nn.init,
    "torch.nn.utils": nn.utils,
    "torch.nn.parallel": nn.parallel,
    "torch.optim": optim,
    "torch.optim.lr_scheduler": optim.lr_scheduler,
    "torch.utils": utils,
    "torch.utils.data": utils.data,
    "torch.utils.data.dataloader": utils.data.dataloader,
    "torch.utils.data.dataset": utils.data.dataset,
    "torch.utils.data.sampler": utils.data.sampler,
    "torch.utils.data.distributed": utils.data.distributed,
    "torch.distributed": distributed,
    "torch.autograd": autograd,
    "torch.cuda": cuda,
    "torch.backends": backends,
    "torch.backends.mps": backends.mps,
    "torch.backends.cudnn": backends.cudnn,
}


def _torch_names() -> list:
    return [name for name in sys.modules if name == "torch" or name.startswith("torch.")]


@contextlib.contextmanager
def as_torch():
    """Within the block, `import torch` (and its submodules above) import tinygrad_edu."""
    saved = {name: sys.modules.pop(name) for name in _torch_names()}
    sys.modules.update(MODULES)
    try:
        yield tinygrad_edu
    finally:
        for name in _torch_names():
            del sys.modules[name]
        sys.modules.update(saved)


def main(argv: list) -> None:
    if len(argv) < 2:
        raise SystemExit("usage: python -m tinygrad_edu.as_torch script.py [args...]")
    sys.argv = argv[1:]
    with as_torch():
        runpy.run_path(argv[1], run_name="__main__")


if __name__ == "__main__":
    main(sys.argv)
