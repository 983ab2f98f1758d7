"""The Playground and the OptimizerRace in a real JupyterLab, driven in headless Chromium through Playwright:
play advances the loss curve and the epoch counter, a cell run meanwhile still runs, a learning-rate
change during training reaches the kernel without a reset, pause stops everything, the scrubber goes
back in time, the graph button opens a GraphAnimator; the race plays. Screenshots at 1280x800 with the
file browser open go to test-output/, and the measured update rate to test-output/playground_browser.json."""
import json
import os
import time

import nbformat
import pytest

from tests.browser_lab import (
    CHROMIUM,
    NO_CHROMIUM,
    OUTPUT,
    TOKEN,
    launch,
    new_page,
    run_all_cells,
    running_lab,
)

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not __import__("pathlib").Path(CHROMIUM).exists(),
                                                      reason=NO_CHROMIUM)]

CELLS = [
    "from tinygrad_edu.widgets import OptimizerRace, Playground\npg = Playground(seed=0)\npg",
    "print(f\"KERNEL steps={pg.steps} lr={pg.lr} lrs={sorted(set(pg.history['lr'].tolist()))}\")",
    "race = OptimizerRace('rosenbrock', steps=200)\nrace",
]


def run_cell(page, index: int) -> str:
    """Run one cell and return its printed text once the kernel has answered."""
    return page.evaluate("""async (index) => {
        const panel = window.jupyterapp.shell.currentWidget;
        const cell = panel.content.widgets[index];
        cell.outputArea.model.clear();
        panel.content.activeCellIndex = index;
        await window.jupyterapp.commands.execute('notebook:run-cell');
        for (let i = 0; i < 200; i++) {
            const out = cell.outputArea.model.toJSON();
            const text = out.length ? out[0].text : undefined;
            if (text) return Array.isArray(text) ? text.join('') : text;
            await new Promise((r) => setTimeout(r, 50));
        }
        return '';
    }""", index).strip()


def kernel_state(page) -> dict:
    text = run_cell(page, 1)
    assert text.startswith("KERNEL"), text
    steps, lr, lrs = text.split(" ", 3)[1:]
    return {"steps": int(steps.split("=")[1]), "lr": float(lr.split("=")[1]), "lrs": lrs.split("=", 1)[1]}


# Smoothness: the time between one drawn frame and the next, clocked in the page as each frame lands.
FRAME_CLOCK = """() => {
    const times = [];
    const root = document.querySelector('.tge-pg');
    new MutationObserver(() => times.push(performance.now()))
        .observe(root, { attributes: true, attributeFilter: ['data-frames'] });
    window.tgeFrameGaps = () => times.slice(1).map((t, i) => t - times[i]);
}"""


def counters(playground) -> tuple:
    return int(playground.get_attribute("data-frames") or 0), int(playground.get_attribute("data-steps") or 0)


def test_playground_trains_in_jupyterlab(tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, tmp_path / "playground.ipynb")
    with running_lab(tmp_path) as base, playwright.sync_playwright() as p:
        browser = launch(p)
        try:
            page = new_page(browser)
            run_all_cells(page, f"{base}/lab/tree/playground.ipynb?token={TOKEN}", timeout_ms=30_000)
            playground = page.locator(".tge-pg")
            playground.locator("canvas.tge-pg-heatmap").wait_for(timeout=30_000)
            page.locator(".tge-race canvas.tge-race-map").wait_for(timeout=30_000)
            assert page.locator(".jp-FileBrowser").is_visible()          # the file browser is open
            assert playground.locator(".tge-pg-epoch").text_content() == "Epoch 0"
            rate = _play_change_and_pause(page, playground)
            _open_graph(playground)
            _race(page)
            (OUTPUT / "playground_browser.json").write_text(json.dumps(rate, indent=1) + "\n")
            assert not [e for e in page.errors if "tge" in e or "playground" in e or "race" in e], page.errors
        finally:
            browser.close()


def _play_change_and_pause(page, playground) -> dict:
    playground.locator('button[data-action="play"]').click()
    page.wait_for_function("Number(document.querySelector('.tge-pg').dataset.steps) > 0", timeout=15_000)
    page.wait_for_timeout(1000)
    page.evaluate(FRAME_CLOCK)
    frames0, steps0 = counters(playground)
    start = time.monotonic()
    page.wait_for_timeout(3000)
    frames1, steps1 = counters(playground)
    seconds = time.monotonic() - start
    gaps = sorted(page.evaluate("window.tgeFrameGaps()"))
    assert frames1 - frames0 >= 10 and steps1 > steps0                    # the curve and counter advance
    assert playground.locator(".tge-pg-epoch").text_content() != "Epoch 0"
    during = kernel_state(page)                                          # a cell runs while training
    assert during["steps"] > 0
    page.wait_for_timeout(500)
    assert counters(playground)[1] > steps1                              # and training goes on after it
    playground.locator("select.tge-pg-lr").select_option("0.1")
    for _ in range(20):
        state = kernel_state(page)
        if state["lr"] == 0.1 and "0.1" in state["lrs"]:
            break
        page.wait_for_timeout(200)
    assert state["lr"] == 0.1 and "0.03" in state["lrs"] and "0.1" in state["lrs"], state
    assert state["steps"] > during["steps"]                              # no reset: the run went on
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "browser_playground.png"))
    playground.locator('button[data-action="play"]').click()             # pause
    page.wait_for_timeout(800)                                           # requests already sent come back
    paused = counters(playground)
    page.wait_for_timeout(1500)
    assert counters(playground) == paused
    assert kernel_state(page)["steps"] == paused[1]
    _back_in_time(page, playground)
    return {"updates_per_second": (frames1 - frames0) / seconds,
            "steps_per_second": (steps1 - steps0) / seconds, "window_s": seconds, "viewport": "1280x800",
            "frame_gap_ms": {"median": gaps[len(gaps) // 2], "p95": gaps[int(0.95 * (len(gaps) - 1))],
                             "max": gaps[-1]},
            "network": "2-4-2-1, 500 points, batch 10", "load_average_1min": os.getloadavg()[0],
            "cpus": os.cpu_count()}


def _back_in_time(page, playground) -> None:
    """Drag the scrubber back to step 300: the kernel returns to a checkpoint at or before it."""
    page.evaluate("""() => {
        const scrub = document.querySelector('.tge-pg-scrub');
        scrub.value = '300';
        scrub.dispatchEvent(new Event('input', { bubbles: true }));
        scrub.dispatchEvent(new Event('change', { bubbles: true }));
    }""")
    page.wait_for_function("Number(document.querySelector('.tge-pg').dataset.steps) <= 300", timeout=10_000)
    shown = counters(playground)[1]
    assert kernel_state(page)["steps"] == shown and 0 < shown <= 300
    assert "went back to step" in playground.locator(".tge-pg-scrubtext").text_content()


def _open_graph(playground) -> None:
    playground.locator('button[data-action="graph"]').click()
    animator = playground.locator(".tge-pg-graph .tge-animator")
    animator.locator("svg").first.wait_for(timeout=30_000)
    assert "training point 0" in playground.locator(".tge-pg-graphhead").text_content()
    playground.page.screenshot(path=str(OUTPUT / "browser_playground_graph.png"))
    playground.locator('button[data-action="close-graph"]').click()
    animator.wait_for(state="detached", timeout=10_000)


def _race(page) -> None:
    race = page.locator(".tge-race")
    race.scroll_into_view_if_needed()
    race.locator('button[data-action="play"]').click()
    page.wait_for_function("Number(document.querySelector('.tge-race').dataset.step) > 20", timeout=15_000)
    page.screenshot(path=str(OUTPUT / "browser_race.png"))
    race.locator('button[data-action="play"]').click()
    page.wait_for_timeout(300)
    stopped = race.get_attribute("data-step")
    page.wait_for_timeout(600)
    assert race.get_attribute("data-step") == stopped
