"""Random number generators: `Generator` (torch.Generator) and the global default one.

Why one seeded NumPy Generator per `Generator`: `manual_seed(0)` must make every random tensor (and so
every lesson's training run) reproducible, on every device; numbers are drawn on the host, then moved.
A function that takes `generator=` draws from that one, otherwise from `default_generator`. The
streams are NumPy's (PCG64), not PyTorch's (Mersenne Twister): the same seed gives other numbers than
in PyTorch, but the same numbers in every run here.
"""
import numbers

import numpy as np


def _seed_value(seed, where: str) -> int:
    if not isinstance(seed, numbers.Integral) or isinstance(seed, bool):
        raise TypeError(f"{where}: expected an int seed, got {type(seed).__name__}")
    return int(seed) % 2**64  # PyTorch accepts negative seeds too


class Generator:
    """torch.Generator: `g = Generator().manual_seed(42)`, then `randn(3, generator=g)`."""

    def __init__(self, device="cpu"):
        self.device = device
        self.seed()

    def manual_seed(self, seed) -> "Generator":
        self._initial = _seed_value(seed, "manual_seed")
        self.numpy = np.random.default_rng(self._initial)
        return self

    def seed(self) -> int:
        """Re-seed from fresh entropy and return the seed chosen."""
        entropy = np.random.SeedSequence().entropy
        self.manual_seed(int(entropy) % 2**64 if isinstance(entropy, int) else 0)
        return self._initial

    def initial_seed(self) -> int:
        return self._initial

    def get_state(self) -> dict:
        """The generator's state as plain data (PyTorch returns bytes; pass it back to set_state)."""
        return dict(self.numpy.bit_generator.state)

    def set_state(self, state: dict) -> "Generator":
        self.numpy.bit_generator.state = state
        return self

    def __repr__(self):
        return f"Generator(device={self.device!r}, initial_seed={self._initial})"


default_generator = Generator()


def manual_seed(seed) -> Generator:
    """Seed the default generator (behind rand/randn/randint/dropout/init and anything not given
    `generator=`); returns it, as torch.manual_seed does."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state() -> dict:
    return default_generator.get_state()


def set_rng_state(state: dict) -> None:
    default_generator.set_state(state)


def numpy_rng(generator, where: str) -> np.random.Generator:
    """The NumPy Generator to draw from: `generator`'s, or the default one's when it is None."""
    if generator is None:
        return default_generator.numpy
    if not isinstance(generator, Generator):
        raise TypeError(f"{where}: generator must be a Generator, got {type(generator).__name__}")
    return generator.numpy
