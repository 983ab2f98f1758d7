"""gradcheck: compare backward's gradients with float64 central differences, input by input.

Why it reports where: a student whose hand-written backward is wrong needs to see which input and
which element disagree, and by how much, not just "False".
"""

import numpy as np

from .. import backend
from . import dtypes
from .autograd import grad
from .core import Tensor


class InputCheck:
    """Result for one input: the largest mismatch, where it is, and both values there."""

    def __init__(self, position, shape, error, index, analytic, numeric, passed):
        self.position, self.shape, self.error, self.index = position, shape, error, index
        self.analytic, self.numeric, self.passed = analytic, numeric, passed

    def __str__(self):
        status = "ok" if self.passed else "MISMATCH"
        if self.index is None:
            return f"input {self.position} {self.shape}: {status} (no elements)"
        return (
            f"input {self.position} {self.shape}: {status}, "
            f"largest error {self.error:.3g} at index {self.index}: "
            f"backward gave {self.analytic:.6g}, central differences give {self.numeric:.6g}"
        )


class GradcheckResult:
    """Truthy when every input passed; `str()` gives one line per input."""

    def __init__(self, checks: list):
        self.checks = checks

    def __bool__(self):
        return all(c.passed for c in self.checks)

    def __str__(self):
        return "\n".join(str(c) for c in self.checks)

    __repr__ = __str__


def _scalar_objective(outputs, rng):
    """Project all outputs onto fixed random weights, so one backward checks every output element."""
    outputs = outputs if isinstance(outputs, (tuple, list)) else (outputs,)
    total = None
    for out in outputs:
        if not isinstance(out, Tensor):
            raise TypeError(
                f"gradcheck: fn must return a Tensor or a tuple of Tensors, got {type(out).__name__}"
            )
        if out.dtype.kind != "f":
            continue
        weights = backend.to_device(rng.standard_normal(out.shape), out.device)
        term = (out * Tensor(weights, dtype=out.dtype, device=out.device)).sum()
        total = term if total is None else total + term
    if total is None:
        raise TypeError("gradcheck: fn returned no floating point output to differentiate")
    return total


def gradcheck(
    fn,
    *inputs,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    seed: int = 0,
) -> GradcheckResult:
    """Check fn's gradients for every input Tensor with requires_grad=True (others are passed as they are).

    Inputs are copied to float64; the analytic gradient of sum(fn(*inputs) * w) for random w is compared
    with central differences (f(x+eps) - f(x-eps)) / 2eps element by element. Raises RuntimeError with
    the report on a mismatch unless raise_exception=False; returns a truthy/falsy GradcheckResult.
    """
    args, checked = [], []
    for i, x in enumerate(inputs):
        if isinstance(x, Tensor) and x.requires_grad:
            x = Tensor(x.array, dtype=dtypes.float64, requires_grad=True)
            checked.append(i)
        args.append(x)
    if not checked:
        raise ValueError("gradcheck: no input Tensor has requires_grad=True, so there is nothing to check")

    def objective():
        return _scalar_objective(fn(*args), np.random.default_rng(seed))

    total = objective()
    if total.requires_grad:
        analytic = grad(total, [args[i] for i in checked], allow_unused=True)
    else:  # the output does not depend on any checked input: every gradient is zero
        analytic = (None,) * len(checked)
    checks = []
    for i, g in zip(checked, analytic):  # grad mode stays on: fn may itself differentiate (grad of grad)
        x = args[i]
        ana = np.zeros(x.shape) if g is None else backend.to_host(g.array)
        num = np.zeros(x.shape)
        for index in np.ndindex(*x.shape):
            original = float(x.array[index])  # a Python copy: CuPy indexing returns a view
            x.array[index] = original + eps
            plus = objective().item()
            x.array[index] = original - eps
            minus = objective().item()
            x.array[index] = original
            num[index] = (plus - minus) / (2 * eps)
        checks.append(_compare(i, x.shape, ana, num, atol, rtol))
    result = GradcheckResult(checks)
    if raise_exception and not result:
        raise RuntimeError(f"gradcheck: backward disagrees with central differences\n{result}")
    return result


def _compare(position, shape, analytic, numeric, atol, rtol) -> InputCheck:
    if analytic.size == 0:
        return InputCheck(position, shape, 0.0, None, 0.0, 0.0, True)
    error = np.abs(analytic - numeric)
    excess = error - (atol + rtol * np.abs(numeric))
    flat = int(np.argmax(excess))
    index = tuple(int(v) for v in np.unravel_index(flat, shape)) if shape else ()
    return InputCheck(
        position,
        shape,
        float(error.flat[flat]),
        index,
        float(analytic.flat[flat]),
        float(numeric.flat[flat]),
        bool(excess.flat[flat] <= 0),
    )
