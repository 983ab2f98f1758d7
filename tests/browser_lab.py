"""What the real-browser tests share: headless Chromium (Debian's, driven through Playwright), a
JupyterLab server over a folder of the test's own, and pages that collect the errors they raise.

One place for it, so that every browser test starts JupyterLab and Chromium the same way (the
flags the sandboxed machines need, no news toast over the screenshots, the laptop viewport)."""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
NO_CHROMIUM = f"{CHROMIUM} is absent (Debian package `chromium`; .ci/run installs it)"
ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "test-output"
VIEWPORT = {"width": 1280, "height": 800}      # a laptop, with JupyterLab's file browser open
TOKEN = "tge-browser-test"
KERNEL_READY = "window.jupyterapp?.shell.currentWidget?.sessionContext?.session?.kernel"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(playwright):
    """Headless Chromium with the flags this machine needs."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def new_page(browser, viewport=VIEWPORT):
    """A page whose uncaught script errors collect in `page.errors` (tests assert it stays empty)."""
    page = browser.new_page(viewport=viewport)
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    return page


def start_lab(folder: Path, port: int) -> subprocess.Popen:
    """JupyterLab over `folder`, with its settings there too (so no news toast covers a screenshot)."""
    settings = folder / ".settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(folder / ".config"),
           "JUPYTER_RUNTIME_DIR": str(folder / ".run"),
           "JUPYTERLAB_SETTINGS_DIR": str(folder / ".settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(folder / ".workspaces"),
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={folder}",
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


@contextmanager
def running_lab(folder: Path):
    """A JupyterLab server over `folder` while the block runs; yields its base URL (token: TOKEN)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_lab(folder, port)
    try:
        wait_for_server(f"{base}/api/status?token={TOKEN}", server, folder / "lab.log")
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


def run_all_cells(page, url: str, timeout_ms: int = 60_000) -> None:
    """Open the notebook at `url` and run all its cells once its kernel is ready."""
    page.goto(url)
    page.wait_for_function(KERNEL_READY, timeout=timeout_ms)
    page.evaluate("""async () => {
        await window.jupyterapp.shell.currentWidget.sessionContext.ready;
        await window.jupyterapp.commands.execute('notebook:run-all-cells');
    }""")
