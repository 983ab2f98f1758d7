"""Static computational graphs: record once with `trace`, then print, optimize, run (serially or in
parallel), differentiate, save, load and export to ONNX, without the Python code that built them.

Where to read: trace.py (how ops are recorded), graph.py (the Graph object), passes/ (one file per
optimization), executor.py (running), serialize.py (files), onnx_export.py.
"""
from . import passes
from .executor import concurrency
from .fused import FusedElementwise
from .graph import Graph, load_graph
from .jit import jit
from .registry import register
from .trace import TraceError, TracerWarning, trace

register(FusedElementwise)

__all__ = ["Graph", "TraceError", "TracerWarning", "concurrency", "jit", "load_graph", "passes", "trace"]
