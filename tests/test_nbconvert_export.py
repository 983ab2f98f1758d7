"""`jupyter nbconvert --to tinygrad_edu_html`: an executed notebook's animators become their static SVG
(markup outside any script) plus an inline replay, so a course site shows them with the network off."""
import importlib.metadata
import re
from pathlib import Path

import nbformat
import pytest
from traitlets.config import Config

from tests.browser_lab import CHROMIUM, OUTPUT, ROOT, launch, new_page
from tests.test_snapshot_value import classic
from tinygrad_edu.widgets import GraphAnimator
from tinygrad_edu.widgets.nbconvert_export import STATE_MIME, VIEW_MIME, AnimatorHTMLExporter

SCRIPT = re.compile(r"<script\b.*?</script>", re.S | re.I)


@pytest.fixture(scope="module")
def lesson_02_html(tmp_path_factory) -> Path:
    nb = nbformat.read(ROOT / "lessons" / "02_watching_backprop.ipynb", as_version=4)
    config = Config()
    config.ExecutePreprocessor.enabled = True                 # what --execute turns on
    body, _ = AnimatorHTMLExporter(config=config).from_notebook_node(
        nb, resources={"metadata": {"path": str(ROOT / "lessons")}})
    path = tmp_path_factory.mktemp("export") / "02_watching_backprop.html"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.xdist_group("notebooks")
def test_exported_lesson_02_has_its_pictures_outside_any_script(lesson_02_html):
    page = lesson_02_html.read_text(encoding="utf-8")
    outside = SCRIPT.sub("", page)
    pictures = re.findall(r'<div class="tge-picture">\s*<svg\b.*?</svg>', outside, re.S)
    assert len(pictures) == 2                                  # both animators of the lesson
    assert 'id="v0"' in pictures[0] and ">x<" in pictures[0] and ">f<" in pictures[0]
    assert 'id="v0"' in pictures[1] and ">w<" in pictures[1] and ">grad not computed yet<" in pictures[1]
    assert VIEW_MIME not in page and "@jupyter-widgets/html-manager" not in page   # no CDN widget manager
    assert page.count("GraphAnimatorView.render") == 1         # one replay script serves the page


@pytest.mark.browser
@pytest.mark.xdist_group("notebooks")
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is absent")
def test_exported_lesson_02_replays_with_the_network_off(lesson_02_html):
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = launch(p)
        try:
            page = new_page(browser)
            page.route("http*://**", lambda route: route.abort())      # offline: the CDN never answers
            page.goto(lesson_02_html.as_uri())
            page.locator(".tge-animator svg").nth(1).wait_for(timeout=15_000)
            first = page.locator(".tge-animator").first
            first.locator('button[data-action="restart"]').click()
            first.locator('button[data-action="step"]').click()
            assert first.locator(".tge-caption").text_content() == "x = -2"
            first.locator(".tge-caption").click()                 # focus the widget, then its End key
            page.keyboard.press("End")
            assert first.locator(".tge-caption").text_content().startswith("∂f/∂y")
            first.scroll_into_view_if_needed()
            OUTPUT.mkdir(exist_ok=True)
            page.screenshot(path=str(OUTPUT / "export_lesson02_offline.png"))
            assert page.errors == []
        finally:
            browser.close()


def notebook_with(outputs: list, states: dict):
    cell = nbformat.v4.new_code_cell("w", outputs=outputs)
    nb = nbformat.v4.new_notebook(cells=[cell])
    nb.metadata["widgets"] = {STATE_MIME: {"state": states, "version_major": 2, "version_minor": 0}}
    return nb


def animator_output(model_id: str):
    w = GraphAnimator(classic())
    w.step = 8
    state = {**w.replay_state(), "_anywidget_id": "tinygrad_edu.widgets.graph_animator.GraphAnimator"}
    data = {VIEW_MIME: {"model_id": model_id, "version_major": 2, "version_minor": 0},
            "image/svg+xml": w.static_svg(), "text/plain": "GraphAnimator(...)"}
    return nbformat.v4.new_output("execute_result", data=data, execution_count=1), {"state": state}


def test_other_widgets_keep_their_state_and_animators_become_replays():
    output, state = animator_output("a1")
    slider = nbformat.v4.new_output("display_data", data={VIEW_MIME: {"model_id": "s1"}})
    nb = notebook_with([output, slider], {"a1": state, "s1": {"state": {"value": 3}}})
    body, _ = AnimatorHTMLExporter().from_notebook_node(nb)
    assert 'class="tge-export"' in body and ">grad -4<" in SCRIPT.sub("", body)
    assert VIEW_MIME in body and STATE_MIME in body            # the slider stays a live widget
    only, state = animator_output("a2")
    body, _ = AnimatorHTMLExporter().from_notebook_node(notebook_with([only], {"a2": state}))
    assert VIEW_MIME not in body and STATE_MIME not in body


def test_the_exporter_is_registered_with_nbconvert():
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    target = project["project"]["entry-points"]["nbconvert.exporters"]["tinygrad_edu_html"]
    assert target == "tinygrad_edu.widgets.nbconvert_export:AnimatorHTMLExporter"
    installed = {e.name: e for e in importlib.metadata.entry_points(group="nbconvert.exporters")}
    if "tinygrad_edu_html" not in installed:
        pytest.skip("this checkout's metadata is not installed (pip install -e . registers the entry point)")
    from nbconvert.exporters import get_exporter
    assert get_exporter("tinygrad_edu_html") is AnimatorHTMLExporter
