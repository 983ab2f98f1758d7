"""The HTML replay written by save_html, opened from disk in headless Chromium: no kernel, no network.
Keyboard playback, play to the end, the details panel (table for small tensors, heatmap for big ones),
and a hostile label that must stay text."""
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

import tinygrad_edu as tg
from tests.browser_lab import CHROMIUM, NO_CHROMIUM, OUTPUT, VIEWPORT, launch, new_page
from tinygrad_edu.widgets import GraphAnimator

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=NO_CHROMIUM)]


def replay_file(folder: Path) -> Path:
    small = tg.Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True, name="<img src=x onerror=alert(1)>")
    big = tg.Tensor(np.linspace(-1, 1, 400).reshape(20, 20), requires_grad=True, name="big")
    amp = tg.Tensor([1.0], requires_grad=True, name="x &amp; y\x07")
    with tg.name_scope("layer1"):
        out = (big @ big).sum() + (small * 2.0).sum() + amp.sum()
    out.name = "loss"
    animator = GraphAnimator(out, engine="wasm")
    return animator.save_html(folder / "replay.html"), animator


@contextmanager
def opened(path: Path, viewport=VIEWPORT, requests=None):
    """The replay file in a fresh Chromium page, once its animator is drawn; every URL the page asks
    for is added to `requests`, if given."""
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = launch(p)
        try:
            page = new_page(browser, viewport)
            if requests is not None:
                page.on("request", lambda r: requests.append(r.url))
            page.goto(path.as_uri())
            page.locator(".tge-animator svg").wait_for(timeout=10_000)
            yield page
        finally:
            browser.close()


def test_replay_plays_without_a_kernel(tmp_path):
    path, animator = replay_file(tmp_path)
    last = len(animator.events) - 1
    ids = {n["label"]: n["id"] for n in animator.snapshot["nodes"] if n["kind"] == "var" and n["label"]}
    requests: list = []
    with opened(path, {"width": 1300, "height": 900}, requests) as page:
        caption, counter = page.locator(".tge-caption"), page.locator(".tge-counter")
        assert caption.text_content().startswith("Press")
        page.keyboard.press("End")
        assert counter.text_content().startswith(f"step {last} ")
        page.keyboard.press("Home")
        page.keyboard.press("ArrowRight")
        assert counter.text_content().startswith("step 0 ")
        page.mouse.click(5, 880)                          # focus leaves the widget: keys do nothing
        page.keyboard.press("ArrowRight")
        assert counter.text_content().startswith("step 0 ")
        page.locator(".tge-animator").focus()
        page.select_option(".tge-speed", "8")
        page.click('button[data-action="play"]')
        at_end = f"document.querySelector('.tge-counter').textContent.startsWith('step {last} ')"
        page.wait_for_function(at_end, timeout=15_000)
        assert page.locator('button[data-action="play"]').text_content() == "▶"   # stopped at the end
        assert page.locator(".tge-graph img").count() == 0                       # the label stayed text
        page.hover(f'g.node[id="{ids["<img src=x onerror=alert(1)>"]}"]')
        details = page.locator(".tge-details")
        assert details.locator(".tge-title").text_content() == "<img src=x onerror=alert(1)>"
        assert details.locator("table.tge-table").first.locator("td").count() == 6
        amp = page.locator(f'g.node[id="{ids["x &amp; y␇"]}"]')              # shown exactly as typed
        assert amp.locator("text").first.text_content() == "x &amp; y␇"
        amp.hover()
        assert details.locator(".tge-title").text_content() == "x &amp; y␇"
        page.click(f'g.node[id="{ids["big"]}"]')                                  # pin the 20×20 tensor
        assert details.locator(".tge-title").text_content() == "big"
        assert details.locator("canvas.tge-heatmap").count() == 2                 # value and gradient
        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=str(tmp_path / "replay.png"), full_page=True)
        page.screenshot(path=str(OUTPUT / "browser_replay.png"), full_page=True)
        assert page.errors == []
        assert all(url.startswith("file:") or url.startswith("data:") for url in requests), requests


CLEANUP_CHECK = """
const state = JSON.parse(document.querySelector("script.tge-state").textContent);
const model = createLocalModel({ ...state, uid: "cleanup-check", step: -1, playing: true, speed: 8 });
const host = document.createElement("div");
document.body.appendChild(host);
const dispose = GraphAnimatorView.initialize({ model });
const cleanup = GraphAnimatorView.render({ model, el: host });
const rendered = host.querySelectorAll(".tge-animator svg").length;
cleanup();                                           // a removed view: its DOM goes, the model plays on
const left = host.childElementCount;
await new Promise((r) => setTimeout(r, 400));
const playedOn = model.get("step");
dispose();                                           // the model is gone: its one timer stops
const before = model.get("step");
await new Promise((r) => setTimeout(r, 400));
window.cleanupResult = { rendered, left, playedOn, before, step: model.get("step") };
"""


def test_removed_view_leaves_no_listeners_or_timers(tmp_path):
    path, _ = replay_file(tmp_path)
    from tinygrad_edu.widgets.static_files import ANIMATOR_MODULE, module_source
    with opened(path) as page:
        code = module_source("local_model.js", *ANIMATOR_MODULE) + CLEANUP_CHECK
        page.add_script_tag(type="module", content=code)
        page.wait_for_function("window.cleanupResult !== undefined", timeout=10_000)
        result = page.evaluate("window.cleanupResult")
        assert result["rendered"] == 1 and result["left"] == 0
        assert result["playedOn"] >= 1                          # the model's timer outlives a view
        assert result["step"] == result["before"]              # and stops with the model
        assert page.locator(".tge-animator").count() == 1      # the replay's own view is untouched
        assert page.errors == []


def test_browser_shows_what_python_says_at_every_step_with_reuse_and_broadcasting(tmp_path):
    """Every step, forwards with → then back with ←, the browser's boxes equal `shown()` in Python (the
    paint touches only the nodes that change, so a missed node would show here)."""
    a = tg.tensor([[1.0, -2.0, 3.0], [0.5, 4.0, -1.0]], requires_grad=True, name="a")
    b = tg.tensor([2.0, -1.0, 0.5], requires_grad=True, name="b")
    out = (a * b + b).sum() + (a * a).mean()           # a and b used twice, b broadcast over the rows
    animator = GraphAnimator(out, engine="wasm")
    path = animator.save_html(tmp_path / "state.html")
    ids = [n["id"] for n in animator.snapshot["nodes"] if n["kind"] == "var"]
    expected = []
    for step in range(-1, len(animator.events)):
        animator.step = step
        expected.append({i: [f"data {animator.shown(i)['value']}", f"grad {animator.shown(i)['grad']}"]
                         for i in ids})
    read = """(ids) => Object.fromEntries(ids.map((id) => [id,
        [...document.querySelectorAll(`g.node[id="${id}"] text`)].slice(-2).map((t) => t.textContent)]))"""
    with opened(path) as page:
        page.keyboard.press("Home")
        seen = [page.evaluate(read, ids)]
        for _ in range(len(animator.events)):
            page.keyboard.press("ArrowRight")
            seen.append(page.evaluate(read, ids))
        assert seen == expected
        back = []
        for _ in range(len(animator.events)):
            page.keyboard.press("ArrowLeft")
            back.append(page.evaluate(read, ids))
        assert back == expected[-2::-1]
