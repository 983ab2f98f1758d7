"""The devices the device-parametrized tests run on: NumPy, the strict backend (whose arrays refuse
implicit NumPy conversion, like CuPy's) and, where CuPy is installed and sees a GPU, cuda."""
from tinygrad_edu.backend import cuda

DEVICES = ["cpu", "strict"] + (["cuda"] if cuda.available() else [])
