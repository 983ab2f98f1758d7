// GraphAnimator, browser half: plays a graph snapshot's forward and backward events over the SVG that
// Graphviz laid out in Python. Everything it shows comes from the model's plain data (snapshot, svg,
// view); playback runs here, and only the current step is sent back to the kernel.
// All DOM lookups stay inside this view's own element, so two animators on a page never meet.

const NOT_YET = "not computed yet";
const SPEEDS = [0.5, 1, 2, 4, 8];

function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// Which events a phase plays: its first and last step (step -1 means "nothing computed yet").
export function stepRange(events, phase) {
  const forward = events.filter((e) => e.phase === "forward").length;
  if (phase === "forward") return [-1, forward - 1];
  if (phase === "backward") return [forward - 1, events.length - 1];
  return [-1, events.length - 1];
}

// What each variable shows after the events up to `step`: its value and its (running) gradient.
export function stateAt(events, step) {
  const values = new Map();
  const grads = new Map();
  for (let i = 0; i <= step && i < events.length; i++) {
    const e = events[i];
    if (e.phase === "forward") values.set(e.node, e);
    else grads.set(e.node, e);
  }
  return { values, grads };
}

// The node and edge ids the event at `step` lights up.
export function highlightedIds(event) {
  if (!event) return [];
  const ids = [event.node, event.op_node, event.from, event.edge, event.out_edge, ...(event.edges || [])];
  return ids.filter((id) => id);
}

function formatNumber(x) {
  if (typeof x === "string") return x;
  return Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(2) : String(+x.toFixed(4));
}

// Small arrays as a table, larger ones as shape, min/mean/max and a heatmap.
function arrayView(value) {
  const box = make("div", "tge-array");
  if (value === null || value === undefined) {
    box.textContent = NOT_YET;
    return box;
  }
  if (typeof value !== "object") {
    box.textContent = formatNumber(value);
    return box;
  }
  box.appendChild(make("div", "tge-muted", `shape (${value.shape.join(", ")}) ${value.dtype}`));
  if ("min" in value) {
    const stats = `min ${formatNumber(value.min)} · mean ${formatNumber(value.mean)} · max ${formatNumber(value.max)}`;
    box.appendChild(make("div", "tge-muted", stats));
  }
  if (value.data !== undefined) box.appendChild(table(value.data));
  if (value.heatmap) box.appendChild(heatmap(value.heatmap));
  return box;
}

function rowsOf(data) {
  if (!Array.isArray(data)) return [[data]];
  if (!Array.isArray(data[0])) return [data];
  return data.map((row) => row.flat(Infinity));
}

function table(data) {
  const t = make("table", "tge-table");
  for (const row of rowsOf(data)) {
    const tr = t.insertRow();
    for (const cell of row) tr.insertCell().textContent = formatNumber(cell);
  }
  return t;
}

function heatmap(grid) {
  const canvas = make("canvas", "tge-heatmap");
  const rows = grid.length;
  const cols = grid[0].length;
  const cell = Math.max(4, Math.floor(128 / Math.max(rows, cols)));
  canvas.width = cols * cell;
  canvas.height = rows * cell;
  const scale = Math.max(1e-12, ...grid.flat().map((v) => (typeof v === "number" ? Math.abs(v) : 0)));
  const ctx = canvas.getContext("2d");
  if (!ctx) return canvas;
  grid.forEach((row, r) => row.forEach((v, c) => {
    const t = typeof v === "number" ? v / scale : 0;
    const [red, green, blue] = t >= 0 ? [255, 255 * (1 - t), 255 * (1 - t)] : [255 * (1 + t), 255 * (1 + t), 255];
    ctx.fillStyle = `rgb(${red | 0},${green | 0},${blue | 0})`;
    ctx.fillRect(c * cell, r * cell, cell, cell);
  }));
  return canvas;
}

function buildControls(root) {
  const bar = make("div", "tge-controls");
  const button = (label, title, action) => {
    const b = make("button", "tge-button", label);
    b.title = title;
    b.dataset.action = action;
    b.type = "button";
    bar.appendChild(b);
    return b;
  };
  const parts = {
    restart: button("|◀", "restart (Home)", "restart"),
    back: button("◀", "step back (←)", "back"),
    play: button("▶", "play / pause (space)", "play"),
    step: button("▶|", "step forward (→)", "step"),
    phase: make("select", "tge-phase"),
    scrub: make("input", "tge-scrub"),
    speed: make("select", "tge-speed"),
    counter: make("span", "tge-counter"),
  };
  for (const [value, text] of [["both", "forward + backward"], ["forward", "forward"], ["backward", "backward"]]) {
    parts.phase.appendChild(new Option(text, value));
  }
  for (const s of SPEEDS) parts.speed.appendChild(new Option(`${s}×`, String(s)));
  parts.phase.title = "phase";
  parts.speed.title = "steps per second";
  parts.scrub.type = "range";
  parts.scrub.title = "scrub";
  bar.append(parts.phase, parts.scrub, parts.speed, parts.counter);
  root.appendChild(bar);
  return parts;
}

function render({ model, el }) {
  const root = make("div", "tge-animator");
  root.tabIndex = 0;
  const controls = buildControls(root);
  const message = make("div", "tge-message");
  const caption = make("div", "tge-caption");
  const body = make("div", "tge-body");
  const graph = make("div", "tge-graph");
  const details = make("div", "tge-details", "Hover or click a node for its details.");
  body.append(graph, details);
  root.append(message, caption, body);
  el.appendChild(root);

  let elements = new Map();     // drawn id -> SVG <g>
  let lines = new Map();        // variable id -> its [data, grad] <text> lines
  let pinned = null;            // node id whose details stay shown after a click
  let timer = null;

  let parsed = { text: null, graph: {}, nodes: new Map() };
  const snap = () => {            // the snapshot arrives as JSON text; parse it once per change
    const text = model.get("graph_json");
    if (text !== parsed.text) {
      const graph = JSON.parse(text || "{}");
      parsed = { text, graph, nodes: new Map((graph.nodes || []).map((n) => [n.id, n])) };
    }
    return parsed.graph;
  };
  const events = () => snap().events || [];
  const nodesById = () => (snap(), parsed.nodes);
  const drawn = (id) => elements.get((model.get("view").nodes || {})[id] || (model.get("view").edges || {})[id] || id);

  function drawSvg() {
    graph.innerHTML = model.get("svg");         // markup made by Graphviz: every label is escaped text
    elements = new Map();
    for (const g of graph.querySelectorAll("g.node, g.edge, g.cluster")) elements.set(g.id, g);
    lines = new Map();
    for (const g of graph.querySelectorAll("g.node.var")) lines.set(g.id, [...g.querySelectorAll("text")].slice(-2));
    message.textContent = model.get("message");
    message.hidden = !model.get("message");
    paint();
  }

  function setText(line, text) {
    if (line && line.textContent !== text) line.textContent = text;
  }

  function paint() {
    const all = events();
    const step = model.get("step");
    const [first, last] = stepRange(all, model.get("phase"));
    const { values, grads } = stateAt(all, step);
    for (const g of elements.values()) g.classList.remove("tge-current", "tge-active", "tge-computed", "tge-has-grad");
    for (const node of snap().nodes || []) {
      if (node.kind !== "var") continue;
      const g = elements.get(node.id);
      if (!g) continue;
      const value = values.get(node.id);
      const grad = grads.get(node.id);
      const [dataLine, gradLine] = lines.get(node.id) || [];
      setText(dataLine, `data ${value ? value.value_text : NOT_YET}`);
      setText(gradLine, `grad ${grad ? grad.grad_text : NOT_YET}`);
      if (value) g.classList.add("tge-computed");
      if (grad) g.classList.add("tge-has-grad");
    }
    const event = all[step];
    for (const id of highlightedIds(event)) {
      const g = drawn(id);
      if (g) g.classList.add(id === event.node ? "tge-current" : "tge-active");
    }
    caption.textContent = event ? event.text : step < 0 ? "Press ▶ or → to start the forward pass." : "";
    caption.dataset.phase = event ? event.phase : "";
    controls.scrub.min = String(first);
    controls.scrub.max = String(last);
    controls.scrub.value = String(step);
    controls.counter.textContent = `step ${step} (${step - first}/${last - first})`;
    controls.phase.value = model.get("phase");
    controls.speed.value = String(model.get("speed"));
    controls.play.textContent = model.get("playing") ? "⏸" : "▶";
    if (pinned) showDetails(pinned);
  }

  function go(step) {
    const [first, last] = stepRange(events(), model.get("phase"));
    const next = Math.min(last, Math.max(first, step));
    if (next !== model.get("step")) {
      model.set("step", next);
      model.save_changes();
    }
    return next < last;
  }

  function setPlaying(on) {
    model.set("playing", on);
    model.save_changes();
  }

  function syncTimer() {
    clearInterval(timer);
    timer = null;
    if (!model.get("playing")) return;
    const [, last] = stepRange(events(), model.get("phase"));
    if (model.get("step") >= last) go(stepRange(events(), model.get("phase"))[0]);   // play again from the top
    timer = setInterval(() => {
      if (!go(model.get("step") + 1)) setPlaying(false);
    }, 1000 / Math.max(0.1, model.get("speed")));
  }

  function act(action) {
    const step = model.get("step");
    if (action === "play") return setPlaying(!model.get("playing"));
    setPlaying(false);
    if (action === "step") go(step + 1);
    else if (action === "back") go(step - 1);
    else if (action === "restart") go(stepRange(events(), model.get("phase"))[0]);
    else if (action === "end") go(stepRange(events(), model.get("phase"))[1]);
  }

  function showDetails(id) {
    const node = nodesById().get(id);
    details.replaceChildren();
    if (!node) return;
    const { values, grads } = stateAt(events(), model.get("step"));
    details.appendChild(make("div", "tge-title", node.kind === "op" ? `operation ${node.op}` : node.name));
    if (node.kind === "op") {
      const attrs = Object.entries(node.attrs || {}).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(", ");
      if (attrs) details.appendChild(make("div", "tge-muted", attrs));
      details.appendChild(make("div", "tge-muted", `inputs ${node.inputs.join(", ")} → ${node.output}`));
      return;
    }
    const kind = node.leaf ? "input" : `result of ${nodesById().get("o" + node.id.slice(1))?.op}`;
    details.appendChild(make("div", "tge-muted", `${kind}${node.scope ? ` in ${node.scope}` : ""}`));
    details.appendChild(make("div", "tge-muted", `shape (${node.shape.join(", ")}) ${node.dtype}`));
    details.appendChild(make("div", "tge-section", "value"));
    details.appendChild(arrayView(values.has(id) ? node.value : null));
    details.appendChild(make("div", "tge-section", "gradient"));
    details.appendChild(arrayView(grads.has(id) ? grads.get(id).grad : null));
  }

  function snapshotIdOf(target) {
    const g = target.closest("g.node, g.cluster");
    if (!g || !root.contains(g)) return null;
    return g;
  }

  function onOver(event) {
    const g = snapshotIdOf(event.target);
    if (g && g.classList.contains("node") && !pinned) showDetails(g.id);
  }

  function onClick(event) {
    const g = snapshotIdOf(event.target);
    if (!g) return;
    const scopes = Object.entries(model.get("scopes") || {});
    const path = (scopes.find(([, sid]) => sid === g.id) || [])[0];
    const collapsed = model.get("collapsed");
    if (path !== undefined && g.classList.contains("group")) {
      model.set("collapsed", collapsed.filter((p) => p !== path));
    } else if (path !== undefined && g.classList.contains("cluster")) {
      model.set("collapsed", [...collapsed, path]);
    } else {
      pinned = pinned === g.id ? null : g.id;
      return showDetails(g.id);
    }
    model.save_changes();
  }

  function onControl(event) {
    const action = event.target.closest("button")?.dataset.action;
    if (action) act(action);
  }

  function onKey(event) {
    const keys = { " ": "play", ArrowRight: "step", ArrowLeft: "back", Home: "restart", End: "end" };
    const inControl = ["SELECT", "INPUT", "BUTTON"].includes(event.target.tagName);
    if (!(event.key in keys) || (inControl && event.key !== "ArrowRight" && event.key !== "ArrowLeft")) return;
    if (event.target.tagName === "INPUT" || event.target.tagName === "SELECT") return;   // their own arrows
    event.preventDefault();
    act(keys[event.key]);
  }

  const onScrub = () => { setPlaying(false); go(Number(controls.scrub.value)); };
  const onPhase = () => {
    setPlaying(false);
    model.set("phase", controls.phase.value);
    model.set("step", stepRange(events(), controls.phase.value)[0]);
    model.save_changes();
  };
  const onSpeed = () => { model.set("speed", Number(controls.speed.value)); model.save_changes(); };

  const modelListeners = [
    ["change:svg", drawSvg], ["change:view", drawSvg], ["change:message", drawSvg],
    ["change:step", paint], ["change:phase", paint], ["change:graph_json", paint],
    ["change:playing", () => { syncTimer(); paint(); }], ["change:speed", () => { syncTimer(); paint(); }],
  ];
  const domListeners = [
    [root, "click", onControl], [root, "keydown", onKey], [graph, "mouseover", onOver], [graph, "click", onClick],
    [controls.scrub, "input", onScrub], [controls.phase, "change", onPhase], [controls.speed, "change", onSpeed],
  ];
  for (const [name, fn] of modelListeners) model.on(name, fn);
  for (const [element, type, fn] of domListeners) element.addEventListener(type, fn);
  drawSvg();
  syncTimer();

  return () => {                  // the view was removed: leave nothing running or listening
    clearInterval(timer);
    for (const [name, fn] of modelListeners) model.off(name, fn);
    for (const [element, type, fn] of domListeners) element.removeEventListener(type, fn);
    root.remove();
  };
}

const GraphAnimatorView = { render };
export default GraphAnimatorView;
