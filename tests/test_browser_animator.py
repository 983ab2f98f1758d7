"""The animator in a real JupyterLab, driven in headless Debian Chromium through Playwright: the widget
renders, stepping reaches the backward step at x showing ∂f/∂x = -4, the kernel's `w.step` follows, and a
second animator on the same page is left alone."""
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "test-output"

NO_CHROMIUM = f"{CHROMIUM} is absent (Debian package `chromium`; .ci/run installs it)"
pytestmark = [pytest.mark.browser, pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=NO_CHROMIUM)]

CELLS = [
    """from tinygrad_edu import Value
from tinygrad_edu.widgets import GraphAnimator
x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
a = x + y; a.label = "a"
f = a * z; f.label = "f"
w = GraphAnimator(f)
w""",
    "other = GraphAnimator(f)\nother",
    """import numpy as np
import tinygrad_edu as tg
h = tg.Tensor(np.ones((2, 2)), name="h0")
for i in range(3):
    with tg.name_scope(f"layer{i}"):
        h = (h @ tg.Tensor(np.eye(2), requires_grad=True, name="w")).tanh()
scoped = GraphAnimator(h.sum(), max_nodes=10)
scoped""",
    'print(f"KERNEL step={w.step} other={other.step} collapsed={scoped.collapsed}")',
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_lab(folder: Path, port: int, token: str) -> subprocess.Popen:
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(folder / ".config"),
           "JUPYTER_RUNTIME_DIR": str(folder / ".run"),
           "JUPYTERLAB_SETTINGS_DIR": str(folder / ".settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(folder / ".workspaces"),
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={folder}",
         "--LabApp.expose_app_in_browser=True",
         "--ServerApp.port_retries=0", "--LabApp.news_url=",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         *(["--allow-root"] if os.geteuid() == 0 else [])],       # CI containers often run as root
        env=env, stdout=subprocess.DEVNULL, stderr=(folder / "lab.log").open("w"))


def wait_for_server(url: str, proc: subprocess.Popen, log: Path, timeout: float = 40) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"JupyterLab exited early:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"JupyterLab did not answer {url} within {timeout}s:\n{log.read_text()[-2000:]}")


def test_animator_steps_to_x_in_jupyterlab(tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, tmp_path / "animator.ipynb")
    port, token = free_port(), "tge-browser-test"
    base = f"http://127.0.0.1:{port}"
    lab = start_lab(tmp_path, port, token)
    try:
        wait_for_server(f"{base}/api/status?token={token}", lab, tmp_path / "lab.log")
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                errors = []
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto(f"{base}/lab/tree/animator.ipynb?token={token}")
                page.wait_for_function("window.jupyterapp?.shell.currentWidget?.sessionContext?.session?.kernel",
                                       timeout=30_000)
                page.evaluate("""async () => {
                    const panel = window.jupyterapp.shell.currentWidget;
                    await panel.sessionContext.ready;
                    await window.jupyterapp.commands.execute('notebook:run-all-cells');
                }""")
                animators = page.locator(".tge-animator")
                animators.nth(2).locator("svg").wait_for(timeout=30_000)   # fails if the widget never renders
                first, second = animators.nth(0), animators.nth(1)
                caption = first.locator(".tge-caption")
                for _ in range(20):
                    if caption.text_content().startswith("∂f/∂x"):
                        break
                    first.locator('button[data-action="step"]').click()
                assert caption.text_content() == "∂f/∂x = ∂f/∂a · ∂(x + y)/∂x = (-4) · 1 = -4"
                x_box = first.locator('g.node[id="v0"]')
                assert "grad -4" in x_box.text_content()
                assert "tge-current" in x_box.get_attribute("class").split()
                OUTPUT.mkdir(exist_ok=True)
                first.screenshot(path=str(tmp_path / "animator_at_x.png"))
                shutil.copy(tmp_path / "animator_at_x.png", OUTPUT / "browser_animator_at_x.png")
                assert second.locator(".tge-caption").text_content().startswith("Press")   # untouched
                assert "grad not computed yet" in second.locator('g.node[id="v0"]').text_content()
                _collapse_and_expand(animators.nth(2))
                kernel_says = _run_last_cell(page)
                assert kernel_says == "KERNEL step=8 other=-1 collapsed=['layer1', 'layer2', 'layer0']"
                page.screenshot(path=str(tmp_path / "animator.png"), full_page=True)
                shutil.copy(tmp_path / "animator.png", OUTPUT / "browser_animator.png")
                assert not [e for e in errors if "tge" in e or "graph_animator" in e], errors
            finally:
                browser.close()
    finally:
        lab.terminate()
        try:
            lab.wait(timeout=15)
        except subprocess.TimeoutExpired:
            lab.kill()


def _collapse_and_expand(animator) -> None:
    """The scoped graph opened collapsed (over max_nodes): a click on a group box expands it (the kernel
    lays the graph out again), a click on the expanded scope's frame label collapses it again."""
    assert "open collapsed" in animator.locator(".tge-message").text_content()
    groups = animator.locator("g.node.group")
    assert groups.count() == 3
    groups.first.click()
    animator.locator("g.cluster").first.wait_for(timeout=10_000)
    assert groups.count() == 2 and animator.locator('g.node[id="v1"]').count() == 1
    animator.locator("g.cluster text").first.click()
    animator.page.wait_for_function("document.querySelectorAll('.tge-animator')[2]"
                                    ".querySelectorAll('g.node.group').length === 3", timeout=10_000)


def _run_last_cell(page) -> str:
    """Run the cell printing the kernel's `w.step` until its output matches the page (the step the
    browser sent travels to the kernel before the cell's execute request), and return that output."""
    text = ""
    for _ in range(10):
        text = page.evaluate("""async () => {
            const panel = window.jupyterapp.shell.currentWidget;
            const last = panel.content.widgets.length - 1;
            panel.content.activeCellIndex = last;
            await window.jupyterapp.commands.execute('notebook:run-cell');
            for (let i = 0; i < 100; i++) {
                const out = panel.content.widgets[last].outputArea.model.toJSON();
                if (out.length && out[0].text && panel.sessionContext.session.kernel.status === 'idle') {
                    return Array.isArray(out[0].text) ? out[0].text.join('') : out[0].text;
                }
                await new Promise((r) => setTimeout(r, 100));
            }
            return '';
        }""").strip()
        if "step=8" in text:
            break
    return text
