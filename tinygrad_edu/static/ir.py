"""The static graph's data: values named like jaxpr variables, one `Node` per op application.

A graph is plain data: leaves (data inputs, state such as parameters and optimizer buffers, and
constants) and nodes in an order where every node comes after its inputs. Each value has a name
("x", "0.weight", "h3") and a spec (shape, dtype); nothing here refers to the Python code that built
the graph, so it can be saved, loaded and run anywhere.
"""
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Node:
    """`name = op[attrs](inputs)`: the op's registry name, its plain-data attrs, the input value names,
    and the output's shape and dtype."""

    name: str
    op: str
    inputs: tuple
    shape: tuple
    dtype: str
    attrs: dict = field(default_factory=dict)


def spec_of(array) -> tuple:
    return tuple(int(s) for s in array.shape), str(array.dtype)


def nbytes(shape: tuple, dtype: str) -> int:
    n = 1
    for s in shape:
        n *= s
    return n * np.dtype(dtype).itemsize
