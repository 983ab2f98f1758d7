"""The animator in a real JupyterLab at 1280×800 with the file browser open, driven in headless Debian
Chromium through Playwright: lesson 02's graphs wholly visible, stepping to ∂f/∂x with the kernel's
`w.step` following, the train_moons model at module level fitting the width with a Linear expanding on
click, two views of one animator playing at the speed of one, and keys that never reach the notebook.
Screenshots go to test-output/."""
import shutil
import time
from pathlib import Path

import nbformat
import pytest

from tests.browser_lab import (
    CHROMIUM,
    NO_CHROMIUM,
    OUTPUT,
    ROOT,
    TOKEN,
    launch,
    new_page,
    run_all_cells,
    running_lab,
)

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=NO_CHROMIUM),
              pytest.mark.xdist_group("jupyterlab")]

TWO_VIEWS = [
    """from tinygrad_edu import Value
from tinygrad_edu.widgets import GraphAnimator
h = Value(0.5, label="x")
for _ in range(6):
    h = h * 1.01
w = GraphAnimator(h, speed=8)
w""",
    "w",
    'print(f"KERNEL step={w.step}")',
]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """One JupyterLab over a folder holding lesson 02, train_moons and a small test notebook, and one
    Chromium; yields a function opening a notebook in a fresh 1280×800 page, all its cells run."""
    playwright = pytest.importorskip("playwright.sync_api")
    folder = tmp_path_factory.mktemp("lab")
    shutil.copy(ROOT / "lessons" / "02_watching_backprop.ipynb", folder)
    shutil.copy(ROOT / "notebooks" / "train_moons.ipynb", folder)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in TWO_VIEWS])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, folder / "two_views.ipynb")
    with running_lab(folder) as base, playwright.sync_playwright() as p:
        browser = launch(p)
        pages = []

        def open_notebook(name: str, widgets: int):
            page = new_page(browser)
            # each notebook in a fresh workspace of its own: no tab of an earlier test is restored
            run_all_cells(page, f"{base}/lab/workspaces/{Path(name).stem}/tree/{name}?reset&token={TOKEN}")
            page.locator(".tge-animator svg").nth(widgets - 1).wait_for(state="attached", timeout=120_000)
            pages.append(page)
            return page

        yield open_notebook
        for page in pages:
            page.close()
        browser.close()


def bring_into_view(page, selector: str) -> None:
    """Scroll the last element matching `selector` to the top of the notebook and wait until it has a
    box (JupyterLab renders cells far from the view lazily, so Playwright's own scrolling can wait on
    an element that has no size yet)."""
    page.wait_for_function("""(selector) => {
        const all = document.querySelectorAll(selector);
        const el = all[all.length - 1];
        if (!el) return false;
        el.scrollIntoView({ block: "start" });
        return el.getBoundingClientRect().height > 0;
    }""", arg=selector, timeout=60_000, polling=500)


def screenshot(page_or_locator, name: str) -> None:
    OUTPUT.mkdir(exist_ok=True)
    page_or_locator.screenshot(path=str(OUTPUT / name))


def file_browser_open(page) -> bool:
    return page.evaluate("document.querySelector('.jp-FileBrowser')?.offsetWidth > 0")


def fits(animator) -> dict:
    """How the drawn graph sits in its widget: scaled size against the viewport, and the widget
    against the notebook's visible width."""
    return animator.evaluate("""(root) => {
        const port = root.querySelector('.tge-graph').getBoundingClientRect();
        const svg = root.querySelector('.tge-canvas svg').getBoundingClientRect();
        const notebook = root.closest('.jp-WindowedPanel-outer, .jp-Notebook').getBoundingClientRect();
        const box = root.getBoundingClientRect();
        return {svgRight: svg.right, svgBottom: svg.bottom, portRight: port.right, portBottom: port.bottom,
                svgLeft: svg.left, portLeft: port.left, right: box.right, notebookRight: notebook.right,
                height: box.height, windowHeight: window.innerHeight};
    }""")


def fits_width(f: dict) -> bool:
    return f["svgRight"] <= f["portRight"] + 1 and f["svgLeft"] >= f["portLeft"] - 1 and \
        f["right"] <= f["notebookRight"] + 1


def wholly_visible(f: dict) -> bool:
    return fits_width(f) and f["svgBottom"] <= f["portBottom"] + 1


def test_lesson_02_is_wholly_visible_and_steps_to_x_with_the_kernel_following(lab):
    page = lab("02_watching_backprop.ipynb", 2)
    assert file_browser_open(page)
    animators = page.locator(".tge-animator")
    first, second = animators.nth(0), animators.nth(1)
    for animator in (first, second):
        animator.scroll_into_view_if_needed()
        f = fits(animator)
        assert wholly_visible(f), f
        assert f["height"] < f["windowHeight"] - 150, f         # the whole widget fits on the screen
    first.scroll_into_view_if_needed()
    screenshot(page, "browser_lesson02.png")
    caption = first.locator(".tge-caption")
    second_before = second.locator(".tge-counter").text_content()
    first.locator('button[data-action="restart"]').click()
    for _ in range(20):
        if caption.text_content().startswith("∂f/∂x"):
            break
        first.locator('button[data-action="step"]').click()
    assert caption.text_content() == "∂f/∂x = ∂f/∂a · ∂(x + y)/∂x = (-4) · 1 = -4"
    x_box = first.locator('g.node[id="v0"]')
    assert "grad -4" in x_box.text_content() and "tge-current" in x_box.get_attribute("class").split()
    x_box.click()                                               # pinned, the details follow the steps
    details = first.locator(".tge-details")
    assert details.is_visible() and details.locator(".tge-title").text_content() == "x"
    first.locator('button[data-action="back"]').click()
    assert "not computed yet" in details.text_content()         # ∂f/∂x not reached any more
    screenshot(first, "browser_animator_at_x.png")
    assert second.locator(".tge-counter").text_content() == second_before     # the other animator: untouched
    kernel = run_cell(page, "print(f'KERNEL step={animator.step}')", "KERNEL step=7")
    assert kernel == "KERNEL step=7"
    assert_no_widget_errors(page)


def test_train_moons_opens_at_module_level_fitting_the_width_and_a_linear_expands(lab):
    page = lab("train_moons.ipynb", 1)
    bring_into_view(page, ".tge-animator")
    animator = page.locator(".tge-animator").last
    assert file_browser_open(page)
    assert "module level" in animator.locator(".tge-message").text_content()
    groups = animator.locator("g.node.group")
    assert groups.count() == 6                                 # 3 Linear, 2 Tanh, the loss
    assert animator.locator("g.node.group text", has_text="linear").count() == 3
    assert animator.locator("g.node", has_text="0.weight").count() == 1
    f = fits(animator)
    assert fits_width(f), f                                    # deep: top to bottom, panned downwards
    screenshot(page, "browser_train_moons_modules.png")
    animator.locator("g.node.group", has_text="linear").first.click()
    animator.locator("g.node.op:not(.group)", has_text="matmul").wait_for(timeout=20_000)
    assert groups.count() == 5 and animator.locator("g.cluster", has_text="Linear0").count() >= 1
    f = fits(animator)
    assert fits_width(f), f
    screenshot(page, "browser_train_moons_linear_open.png")
    assert_no_widget_errors(page)


def test_two_views_of_one_animator_play_at_the_speed_of_one_and_keys_stay_inside(lab):
    page = lab("two_views.ipynb", 2)
    first, second = page.locator(".tge-animator").nth(0), page.locator(".tge-animator").nth(1)
    counter = second.locator(".tge-counter")
    first.locator('button[data-action="play"]').click()
    start = time.monotonic()
    page.wait_for_function("document.querySelectorAll('.tge-animator')[1]"
                           ".querySelector('.tge-counter').textContent.startsWith('step 8 ')", timeout=10_000)
    elapsed = time.monotonic() - start                         # 9 steps at 8 per second: ~1.1 s, not ~0.55 s
    assert elapsed > 0.9, elapsed
    first.locator('button[data-action="play"]').click()
    step = int(counter.text_content().split()[1])
    assert first.locator(".tge-counter").text_content() == counter.text_content()
    cells_before = page.evaluate("window.jupyterapp.shell.currentWidget.content.activeCellIndex")
    first.locator(".tge-caption").click()                       # focus inside the widget
    for key in ("ArrowRight", "ArrowRight", "ArrowLeft", "ArrowDown", "ArrowUp"):
        page.keyboard.press(key)
    assert int(counter.text_content().split()[1]) == step + 1
    assert page.evaluate("window.jupyterapp.shell.currentWidget.content.activeCellIndex") == cells_before
    screenshot(page, "browser_two_views.png")
    assert run_cell(page, 'print(f"KERNEL step={w.step}")', f"KERNEL step={step + 1}") == \
        f"KERNEL step={step + 1}"
    assert_no_widget_errors(page)


def run_cell(page, source: str, expect: str) -> str:
    """Append a cell with `source`, run it until its output says `expect` (the step the browser sent
    travels to the kernel before the execute request), and return that output."""
    text = ""
    for _ in range(10):
        text = page.evaluate("""async (source) => {
            const panel = window.jupyterapp.shell.currentWidget;
            const notebook = panel.content;
            notebook.activeCellIndex = notebook.widgets.length - 1;
            await window.jupyterapp.commands.execute('notebook:insert-cell-below');
            const cell = notebook.widgets[notebook.activeCellIndex];
            cell.model.sharedModel.setSource(source);
            await window.jupyterapp.commands.execute('notebook:run-cell');
            for (let i = 0; i < 100; i++) {
                const out = cell.outputArea.model.toJSON();
                if (out.length && out[0].text && panel.sessionContext.session.kernel.status === 'idle') {
                    return Array.isArray(out[0].text) ? out[0].text.join('') : out[0].text;
                }
                await new Promise((r) => setTimeout(r, 100));
            }
            return '';
        }""", source).strip()
        if text == expect:
            break
    return text


def assert_no_widget_errors(page) -> None:
    ours = [e for e in page.errors if "tge" in e or "graph_animator" in e or "anywidget" in e]
    assert not ours, page.errors
