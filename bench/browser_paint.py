"""Per-step paint of the animator in Chromium: a forward + backward play-through of the 2,000-tensor
model graph of graph_open.py, expanded (3,333 drawn nodes), one step at a time.

Each step is timed in the page from setting the step to the end of the style and layout it causes
(`getBoundingClientRect` forces both): `incremental` is the widget's own paint (only the nodes the
step changes); `from_step_0` is the previous widget's method, measured in the same page and run: every
variable's state replayed from step 0 and written back, every step. Median, 95th percentile and worst
per step are reported, and the ratio of medians; the two play-throughs run one after the other.
Target: `incremental` under 16 ms, median and worst.

Run: `python -m bench.browser_paint` (needs /usr/bin/chromium and Playwright); writes
results/animator_paint.{json,md}.
"""
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

from bench.harness import RESULTS, machine
from bench.workloads.graph_open import build

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]

# The previous widget's paint: replay every event up to the step, then write every variable's lines.
FROM_STEP_0 = """
window.paintFromZero = (root, graph, step) => {
  const values = new Map(), grads = new Map();
  for (let i = 0; i <= step; i++) {
    const e = graph.events[i];
    (e.phase === "forward" ? values : grads).set(e.node, e);
  }
  for (const g of root.querySelectorAll("g.node.var")) {
    const [data, grad] = [...g.querySelectorAll("text")].slice(-2);
    const v = values.get(g.id), d = grads.get(g.id);
    const a = `data ${v ? v.value_text : "not computed yet"}`;
    const b = `grad ${d ? d.grad_text : "not computed yet"}`;
    if (data.textContent !== a) data.textContent = a;
    if (grad.textContent !== b) grad.textContent = b;
    g.classList.toggle("tge-computed", !!v);
    g.classList.toggle("tge-has-grad", !!d);
  }
};
"""

PLAY = """async () => {
  const graph = JSON.parse(window.state.graph_json);
  const steps = JSON.parse(window.state.view).steps.length;
  const host = document.getElementById("host");
  const model = createLocalModel({ ...window.state, step: -1 });
  GraphAnimatorView.initialize({ model });
  GraphAnimatorView.render({ model, el: host });
  const root = host.querySelector(".tge-animator");
  root.getBoundingClientRect();
  const times = { incremental: [], from_step_0: [] };
  for (let s = 0; s < steps; s++) {          // the widget's own paint, the whole play-through
    const t = performance.now();
    model.set("step", s);
    root.getBoundingClientRect();
    times.incremental.push(performance.now() - t);
  }
  model.set("step", -1);
  root.getBoundingClientRect();
  for (let s = 0; s < steps; s++) {          // then the previous method over the same steps
    const t = performance.now();
    window.paintFromZero(root, graph, s);
    root.getBoundingClientRect();
    times.from_step_0.push(performance.now() - t);
  }
  return times;
}"""


def page_html(state: dict) -> str:
    from tinygrad_edu.widgets.static_files import ANIMATOR_MODULE, module_source, static_file

    css = static_file("graph_animator.css").read_text(encoding="utf-8")
    js = module_source("local_model.js", *ANIMATOR_MODULE)
    data = json.dumps(state).replace("<", "\\u003c")
    return (f"<!doctype html><html><head><meta charset='utf-8'><style>{css}</style></head><body>"
            f"<div id='host'></div><script>window.state = {data};</script>"
            f"<script type='module'>{js}\nwindow.createLocalModel = createLocalModel;\n"
            f"window.GraphAnimatorView = GraphAnimatorView;\n{FROM_STEP_0}\nwindow.ready = true;</script>"
            "</body></html>")


def stats(times: list) -> dict:
    ordered = sorted(times)
    return {"steps": len(times), "median_ms": statistics.median(times),
            "p95_ms": ordered[int(0.95 * (len(ordered) - 1))], "worst_ms": ordered[-1]}


def main() -> dict:
    from playwright.sync_api import sync_playwright

    from tinygrad_edu.widgets import GraphAnimator

    model, root = build(2000)
    animator = GraphAnimator(root, model=model, collapsed="none")
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as p:
        path = Path(folder) / "paint.html"
        path.write_text(page_html(animator.replay_state()), encoding="utf-8")
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(path.as_uri())
        page.wait_for_function("window.ready === true", timeout=60_000)
        times = page.evaluate(PLAY)
        browser.close()
    rows = {name: stats(values) for name, values in times.items()}
    ours, old = rows["incremental"], rows["from_step_0"]
    ours["ratio_of_medians"] = ours["median_ms"] / old["median_ms"]
    result = {"load_average": os.getloadavg()[0], "workload": "animator_paint",
              "about": (__doc__ or "").strip().split("\n\nRun:")[0],
              "machine": machine(), "drawn_nodes": len(set(json.loads(animator.view)["nodes"].values())),
              "rows": rows}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "animator_paint.json").write_text(json.dumps(result, indent=1) + "\n")
    (RESULTS / "animator_paint.md").write_text(to_markdown(result))
    return result


def to_markdown(result: dict) -> str:
    m = result["machine"]
    lines = ["# animator_paint", "", result["about"], "",
             f"Measured {m['date']} on {m.get('cpu', '?')} ({m['cpus']} cpus), Chromium headless, "
             f"{result['drawn_nodes']} drawn nodes, load average {result['load_average']:.1f} on the machine "
             "(shared: worst cases reflect other processes too).", "",
             "| paint | steps | median | 95th percentile | worst | median vs from_step_0 |",
             "|---|---|---|---|---|---|"]
    for name, row in result["rows"].items():
        ratio = f"{row['ratio_of_medians']:.3f}" if "ratio_of_medians" in row else "1.00"
        lines.append(f"| {name} | {row['steps']} | {row['median_ms']:.2f} ms | {row['p95_ms']:.2f} ms | "
                     f"{row['worst_ms']:.2f} ms | {ratio} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    out = main()
    json.dump(out["rows"], sys.stdout, indent=1)
