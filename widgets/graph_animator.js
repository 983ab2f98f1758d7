// GraphAnimator, browser half: plays a graph snapshot's steps over the SVG that Graphviz laid out in
// Python. Everything it shows comes from the model's plain data (graph_json, svg, view).
//
// anywidget's contract: `initialize` runs once per model and owns what the model's views share (the
// parsed snapshot, the per-node event index and the one playback timer), `render` runs once per view and
// owns only DOM. Painting a step touches the nodes whose state changes, never a replay from step 0.
// The step is sent to the kernel at most every SYNC_MS while playing, and at once when playback stops.

const NOT_YET = "not computed yet";
const NO_GRAD = "no gradient (requires_grad=False)";
const SPEEDS = [0.5, 1, 2, 4, 8];
const SYNC_MS = 250;
const MAX_HEIGHT = 560;       // the graph's viewport, in px; taller graphs pan
const MIN_OPEN_SCALE = 0.35;  // on open a graph shrinks at most this far to fit
const SHARED = new Map();     // uid -> state shared by the views of one model

// ---- shared per model ---------------------------------------------------------------------------

// The last index i in the sorted array `xs` with xs[i] <= x, or -1.
function lastAtMost(xs, x) {
  let lo = 0, hi = xs.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= x) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return found;
}

function parseGraph(text) {
  const graph = JSON.parse(text || "{}");
  const nodes = new Map((graph.nodes || []).map((n) => [n.id, n]));
  const values = new Map(), grads = new Map();       // var id -> sorted indices of its events
  (graph.events || []).forEach((e, i) => {
    const table = e.phase === "forward" ? values : grads;
    if (!table.has(e.node)) table.set(e.node, []);
    table.get(e.node).push(i);
  });
  return { graph, nodes, events: graph.events || [], values, grads };
}

function parseView(text) {
  const view = JSON.parse(text || "{}");
  const steps = (view.steps || []).map((s) => ("e" in s ? { first: s.e, last: s.e, event: s.e } :
    { first: s.f, last: s.l, text: s.t, node: s.n, lit: s.lit, phase: s.p }));
  return { ...view, steps };
}

function createShared(model) {
  const shared = { model, graphText: null, viewText: null, timer: null, lastSync: 0, syncTimer: null };
  const refresh = () => {
    if (model.get("graph_json") !== shared.graphText) {
      shared.graphText = model.get("graph_json");
      Object.assign(shared, parseGraph(shared.graphText));
    }
    if (model.get("view") !== shared.viewText) {
      shared.viewText = model.get("view");
      shared.view = parseView(shared.viewText);
    }
  };
  refresh();
  shared.refresh = refresh;
  shared.phaseOf = (step) => {
    const s = shared.view.steps[step];
    return s ? (s.phase || shared.events[s.first].phase) : null;
  };
  shared.range = (phase) => {
    const steps = shared.view.steps;
    let forward = 0;
    while (forward < steps.length && shared.phaseOf(forward) === "forward") forward++;
    if (phase === "forward") return [-1, forward - 1];
    if (phase === "backward") return [forward - 1, steps.length - 1];
    return [-1, steps.length - 1];
  };
  shared.lastOf = (step) => (step >= 0 && shared.view.steps[step] ? shared.view.steps[step].last : -1);
  // What variable `id` shows after the events up to `last`: its forward event and latest backward one.
  shared.stateOf = (id, last) => {
    const vi = shared.values.get(id) || [], gi = shared.grads.get(id) || [];
    const v = lastAtMost(vi, last), g = lastAtMost(gi, last);
    return { value: v >= 0 ? shared.events[vi[v]] : null, grad: g >= 0 ? shared.events[gi[g]] : null };
  };
  shared.flush = () => {
    clearTimeout(shared.syncTimer);
    shared.syncTimer = null;
    shared.lastSync = performance.now();
    model.save_changes();
  };
  // Set the step here at once (every view paints it); tell the kernel at most every SYNC_MS.
  shared.go = (step, throttle) => {
    const [first, last] = shared.range(model.get("phase"));
    const next = Math.min(last, Math.max(first, step));
    if (next !== model.get("step")) {
      model.set("step", next);
      const wait = SYNC_MS - (performance.now() - shared.lastSync);
      if (!throttle || wait <= 0) shared.flush();
      else if (!shared.syncTimer) shared.syncTimer = setTimeout(shared.flush, wait);
    }
    return next < last;
  };
  shared.setPlaying = (on) => {
    model.set("playing", on);
    shared.flush();
  };
  const restartTimer = () => {
    clearInterval(shared.timer);
    shared.timer = null;
    if (!model.get("playing")) return;
    const [first, last] = shared.range(model.get("phase"));
    if (model.get("step") >= last) shared.go(first, false);          // play again from the top
    shared.timer = setInterval(() => {
      if (!shared.go(model.get("step") + 1, true)) shared.setPlaying(false);
    }, 1000 / Math.max(0.1, model.get("speed")));
  };
  const listeners = [["change:playing", restartTimer], ["change:speed", restartTimer],
    ["change:graph_json", refresh], ["change:view", refresh]];
  for (const [name, fn] of listeners) model.on(name, fn);
  restartTimer();
  shared.dispose = () => {
    clearInterval(shared.timer);
    clearTimeout(shared.syncTimer);
    for (const [name, fn] of listeners) model.off(name, fn);
  };
  return shared;
}

function sharedOf(model) {
  const uid = model.get("uid");
  if (!SHARED.has(uid)) SHARED.set(uid, createShared(model));
  return SHARED.get(uid);
}

function initialize({ model }) {
  sharedOf(model);
  return () => {
    const uid = model.get("uid");
    SHARED.get(uid)?.dispose();
    SHARED.delete(uid);
  };
}

// ---- pieces of a view (array_view.js, joined before this file, draws values) --------------------

function buildControls(root) {
  const bar = make("div", "tge-controls");
  const button = (label, title, action, parent = bar) => {
    const b = make("button", "tge-button", label);
    b.title = title;
    b.dataset.action = action;
    b.type = "button";
    parent.appendChild(b);
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
    view: make("span", "tge-view"),
    direction: make("select", "tge-direction"),
  };
  for (const [value, text] of [["both", "forward + backward"], ["forward", "forward"], ["backward", "backward"]]) {
    parts.phase.appendChild(new Option(text, value));
  }
  for (const s of SPEEDS) parts.speed.appendChild(new Option(`${s}×`, String(s)));
  for (const [value, text] of [["auto", "layout: auto"], ["LR", "left → right"], ["TB", "top ↓ bottom"]]) {
    parts.direction.appendChild(new Option(text, value));
  }
  parts.phase.title = "phase";
  parts.speed.title = "steps per second";
  parts.direction.title = "layout direction";
  parts.scrub.type = "range";
  parts.scrub.title = "scrub";
  bar.append(parts.phase, parts.scrub, parts.speed, parts.counter, parts.view);
  button("−", "zoom out (−)", "zoom-out", parts.view);
  button("+", "zoom in (+)", "zoom-in", parts.view);
  button("fit", "fit the graph in view (0)", "fit", parts.view);
  button("100%", "actual size (1)", "actual", parts.view);
  parts.view.appendChild(parts.direction);
  root.appendChild(bar);
  return parts;
}

// Pan and zoom of the SVG inside its viewport: a CSS transform, so nothing is laid out again.
function createZoom(viewport, canvas) {
  const z = { k: 1, x: 0, y: 0, w: 1, h: 1, touched: false };
  const apply = () => {
    const vw = viewport.clientWidth, vh = viewport.clientHeight;
    const sw = z.w * z.k, sh = z.h * z.k;
    z.x = sw <= vw ? 0 : Math.min(0, Math.max(vw - sw, z.x));
    z.y = sh <= vh ? 0 : Math.min(0, Math.max(vh - sh, z.y));
    canvas.style.transform = `translate(${z.x}px, ${z.y}px) scale(${z.k})`;
  };
  z.size = (w, h) => { z.w = w; z.h = h; };
  // Scale to the viewport's width (and, unless `widthOnly`, its height), never above 100%.
  z.fit = (minimum = 0, widthOnly = false) => {
    const width = viewport.parentElement.clientWidth || z.w;
    z.k = Math.max(minimum, Math.min(1, width / z.w, widthOnly ? Infinity : MAX_HEIGHT / z.h));
    viewport.style.height = `${Math.min(MAX_HEIGHT, Math.ceil(z.h * z.k))}px`;
    z.x = 0; z.y = 0;
    apply();
  };
  z.zoom = (factor, cx, cy) => {
    const k = Math.min(4, Math.max(0.05, z.k * factor));
    const px = cx ?? viewport.clientWidth / 2, py = cy ?? viewport.clientHeight / 2;
    z.x = px - (px - z.x) * (k / z.k);
    z.y = py - (py - z.y) * (k / z.k);
    z.k = k;
    z.touched = true;
    viewport.style.height = `${Math.min(MAX_HEIGHT, Math.max(viewport.clientHeight, Math.ceil(z.h * k)))}px`;
    apply();
  };
  // Move by (dx, dy); true when it moved (false at the edges, so the page may scroll instead).
  z.pan = (dx, dy) => {
    const before = [z.x, z.y];
    z.x += dx; z.y += dy; z.touched = true; apply();
    return before[0] !== z.x || before[1] !== z.y;
  };
  z.actual = () => { z.k = 1; z.x = 0; z.y = 0; z.touched = true;
    viewport.style.height = `${Math.min(MAX_HEIGHT, Math.ceil(z.h))}px`; apply(); };
  return z;
}

// Graphviz draws every node and edge as a sibling under one <g>: a step that changes one text then
// makes the browser re-measure them all. Groups of CHUNK siblings (same order, so the same picture)
// keep a step's layout work to its own group and the few groups above it.
const CHUNK = 64;
function chunk(top) {
  if (!top || top.children.length <= 2 * CHUNK) return;
  const kids = [...top.children];
  for (let i = 0; i < kids.length; i += CHUNK) {
    const group = document.createElementNS("http://www.w3.org/2000/svg", "g");
    group.setAttribute("class", "tge-chunk");
    top.insertBefore(group, kids[i]);
    group.append(...kids.slice(i, i + CHUNK));
  }
}

// ---- one view -----------------------------------------------------------------------------------

function render({ model, el }) {
  const shared = sharedOf(model);
  const root = make("div", "tge-animator");
  root.tabIndex = 0;
  const controls = buildControls(root);
  const message = make("div", "tge-message");
  const caption = make("div", "tge-caption");
  const body = make("div", "tge-body");
  const viewport = make("div", "tge-graph");
  const canvas = make("div", "tge-canvas");
  const details = make("div", "tge-details");
  details.hidden = true;
  viewport.appendChild(canvas);
  body.append(viewport, details);
  root.append(message, caption, body);
  el.appendChild(root);
  const zoom = createZoom(viewport, canvas);

  let elements = new Map();     // drawn id -> SVG <g>
  let lines = new Map();        // variable id -> its [data, grad] <text> lines
  let lit = [];                 // elements lit up now
  let shownLast = -1;           // the event index the boxes show
  let detailsId = null, pinned = false;

  const drawnId = (id) => shared.view.nodes?.[id] ?? shared.view.edges?.[id] ?? id;

  function drawSvg() {
    shared.refresh();
    canvas.innerHTML = model.get("svg");         // markup made by Graphviz: every label is escaped text
    const svg = canvas.querySelector("svg");
    elements = new Map();
    for (const g of canvas.querySelectorAll("g.node, g.edge, g.cluster")) elements.set(g.id, g);
    lines = new Map();
    for (const g of canvas.querySelectorAll("g.node.var")) lines.set(g.id, [...g.querySelectorAll("text")].slice(-2));
    if (svg) {
      chunk(svg.querySelector("g.graph"));
      const box = svg.viewBox.baseVal;
      const w = (box && box.width) || svg.width.baseVal.value, h = (box && box.height) || svg.height.baseVal.value;
      zoom.size(w * 4 / 3, h * 4 / 3);              // Graphviz sizes in points
      svg.setAttribute("width", `${zoom.w}px`);
      svg.setAttribute("height", `${zoom.h}px`);
      opening();
    }
    message.textContent = model.get("message");
    message.hidden = !model.get("message");
    lit = [];
    paintNodes(null, shared.lastOf(model.get("step")));
    paint();
  }

  // Deep graphs (top to bottom) open fitting the width and pan down; others fit the whole view.
  function opening() {
    zoom.fit(MIN_OPEN_SCALE, shared.view.direction === "TB");
  }

  function setText(line, text) {
    if (line && line.textContent !== text) line.textContent = text;
  }

  function paintNode(id, last) {
    const g = elements.get(id);
    const node = shared.nodes.get(id);
    if (!g || !node || node.kind !== "var") return;
    const { value, grad } = shared.stateOf(id, last);
    const [dataLine, gradLine] = lines.get(id) || [];
    setText(dataLine, `data ${value ? value.value_text : NOT_YET}`);
    setText(gradLine, `grad ${grad ? grad.grad_text : node.grad_text === NO_GRAD ? NO_GRAD : NOT_YET}`);
    g.classList.toggle("tge-computed", !!value);
    g.classList.toggle("tge-has-grad", !!grad);
  }

  // Repaint the variables whose state differs between event indices `from` and `to` (all when from is null).
  function paintNodes(from, to) {
    if (from === null) {
      for (const id of lines.keys()) paintNode(id, to);
    } else if (from !== to) {
      const touched = new Set();
      for (let i = Math.min(from, to) + 1; i <= Math.max(from, to); i++) touched.add(shared.events[i].node);
      for (const id of touched) paintNode(id, to);
    }
    shownLast = to;
  }

  function litIds(step) {
    const s = shared.view.steps[step];
    if (!s) return { ids: [], current: null };
    if (s.lit) return { ids: s.lit, current: s.node };
    const e = shared.events[s.event];
    const ids = [e.node, e.op_node, e.from, e.edge, e.out_edge, ...(e.edges || [])].filter(Boolean).map(drawnId);
    return { ids, current: drawnId(e.node) };
  }

  function paint() {
    const step = model.get("step");
    const [first, last] = shared.range(model.get("phase"));
    paintNodes(shownLast, shared.lastOf(step));
    for (const g of lit) g.classList.remove("tge-current", "tge-active");
    const { ids, current } = litIds(step);
    lit = [];
    for (const id of ids) {
      const g = elements.get(id);
      if (!g) continue;
      g.classList.add(id === current ? "tge-current" : "tge-active");
      lit.push(g);
    }
    const s = shared.view.steps[step];
    caption.textContent = s ? (s.text ?? shared.events[s.event].text)
      : step < 0 ? "Press ▶ or → to start the forward pass." : "";
    caption.dataset.phase = s ? shared.phaseOf(step) : "";
    controls.scrub.min = String(first);
    controls.scrub.max = String(last);
    controls.scrub.value = String(step);
    controls.counter.textContent = `step ${step} (${step - first}/${last - first})`;
    controls.phase.value = model.get("phase");
    controls.speed.value = String(model.get("speed"));
    controls.direction.value = model.get("direction");
    controls.play.textContent = model.get("playing") ? "⏸" : "▶";
    if (detailsId) showDetails(detailsId);          // the panel follows the current step
  }

  function act(action) {
    const step = model.get("step");
    const phase = model.get("phase");
    if (action === "play") return shared.setPlaying(!model.get("playing"));
    if (action === "zoom-in") return zoom.zoom(1.25);
    if (action === "zoom-out") return zoom.zoom(0.8);
    if (action === "fit") { zoom.touched = false; return zoom.fit(); }
    if (action === "actual") return zoom.actual();
    if (model.get("playing")) shared.setPlaying(false);
    if (action === "step") shared.go(step + 1, false);
    else if (action === "back") shared.go(step - 1, false);
    else if (action === "restart") shared.go(shared.range(phase)[0], false);
    else if (action === "end") shared.go(shared.range(phase)[1], false);
  }

  function line(text, className = "tge-muted") {
    details.appendChild(make("div", className, text));
  }

  function showDetails(id) {
    detailsId = id;
    details.replaceChildren();
    details.hidden = false;
    const close = make("button", "tge-close", "×");
    close.type = "button";
    close.title = "close";
    close.dataset.action = "close-details";
    details.appendChild(close);
    const group = shared.view.groups?.[id];
    const node = shared.nodes.get(id);
    if (group !== undefined) {
      const title = elements.get(id)?.querySelector("text")?.textContent || group;
      line(`${group.split("/").pop()} (${title})`, "tge-title");
      line("one step for the whole module; click it to see its operations");
      return;
    }
    if (!node) return hideDetails();
    if (node.kind === "op") {
      line(`operation ${node.op}`, "tge-title");
      const attrs = Object.entries(node.attrs || {}).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(", ");
      if (attrs) line(attrs);
      line(`inputs ${node.input_names.join(", ")} → ${node.output_name}`);
      return;
    }
    const { value, grad } = shared.stateOf(id, shared.lastOf(model.get("step")));
    const made = node.leaf ? (node.trainable ? "parameter" : "input")
      : `result of ${shared.nodes.get("o" + id.slice(1))?.op}`;
    line(node.name, "tge-title");
    line(`${made}${node.scope ? ` in ${node.scope}` : ""}`);
    if (node.shape.length) line(`shape (${node.shape.join(", ")}) ${node.dtype}`);
    line("value", "tge-section");
    details.appendChild(arrayView(value ? node.value : null, NOT_YET));
    line("gradient", "tge-section");
    details.appendChild(arrayView(grad ? grad.grad : null, node.grad_text === NO_GRAD ? NO_GRAD : NOT_YET));
  }

  function hideDetails() {
    detailsId = null;
    pinned = false;
    details.hidden = true;
    details.replaceChildren();
  }

  const nodeOf = (target) => {
    const g = target.closest("g.node, g.cluster");
    return g && canvas.contains(g) ? g : null;
  };

  // The panel overlays the graph on the side away from the node it describes.
  function place(g) {
    const box = g.getBoundingClientRect(), area = viewport.getBoundingClientRect();
    details.classList.toggle("tge-left", box.left + box.width / 2 > area.left + area.width / 2);
  }

  function onOver(event) {
    const g = nodeOf(event.target);
    if (g && g.classList.contains("node") && !pinned) {
      place(g);
      showDetails(g.id);
    }
  }

  function onLeave() {
    if (!pinned) hideDetails();
  }

  let drag = null;
  function onDown(event) {
    if (event.button !== 0) return;
    drag = { x: event.clientX, y: event.clientY, moved: false };
  }
  function onMove(event) {
    if (!drag) return;
    const dx = event.clientX - drag.x, dy = event.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
    drag.moved = true;
    viewport.classList.add("tge-dragging");
    zoom.pan(dx, dy);
    drag.x = event.clientX;
    drag.y = event.clientY;
  }
  function onUp() {
    viewport.classList.remove("tge-dragging");
    setTimeout(() => { drag = null; }, 0);
  }

  function setCollapsed(next) {
    model.set("collapsed", next);
    model.save_changes();
  }

  function onClick(event) {
    if (drag?.moved) return;
    const g = nodeOf(event.target);
    if (!g) return;
    const collapsed = model.get("collapsed");
    const groupId = g.id.endsWith("_frame") ? g.id.slice(0, -6) : g.id;
    const key = shared.view.groups?.[groupId];
    if (key !== undefined) {                           // a folded module: expand it (a run into its blocks)
      const runs = model.get("runs") || {};
      return setCollapsed([...collapsed.filter((p) => p !== key), ...(runs[key] || [])]);
    }
    const path = Object.entries(model.get("scopes") || {}).find(([, sid]) => sid === g.id)?.[0];
    if (path !== undefined && g.classList.contains("cluster")) {     // an expanded frame: fold it
      return setCollapsed([...collapsed.filter((p) => !p.startsWith(path + "/")), path]);
    }
    if (g.classList.contains("node")) {
      pinned = !(pinned && detailsId === g.id);
      if (pinned) { place(g); showDetails(g.id); } else hideDetails();
    }
  }

  // Ctrl/⌘ + wheel (and a trackpad pinch) zooms at the pointer; the plain wheel pans a graph larger
  // than its view while the widget has focus, and scrolls the page otherwise.
  function onWheel(event) {
    if (event.ctrlKey || event.metaKey) {
      event.preventDefault();
      const rect = viewport.getBoundingClientRect();
      zoom.zoom(Math.exp(-event.deltaY * 0.01), event.clientX - rect.left, event.clientY - rect.top);
    } else if (root.contains(document.activeElement) && zoom.pan(-event.deltaX, -event.deltaY)) {
      event.preventDefault();
    }
  }

  function onControl(event) {
    const action = event.target.closest("button")?.dataset.action;
    if (action === "close-details") hideDetails();
    else if (action) act(action);
  }

  // Keys are caught on the window before the page (JupyterLab's and Notebook 7's shortcuts listen on
  // the document), only while focus is inside this widget, and never passed on.
  const KEYS = { " ": "play", ArrowRight: "step", ArrowLeft: "back", Home: "restart", End: "end",
    "+": "zoom-in", "=": "zoom-in", "-": "zoom-out", "0": "fit", "1": "actual" };
  function onKey(event) {
    if (!root.contains(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (!(event.key in KEYS)) return;
    event.stopPropagation();
    if (["INPUT", "SELECT"].includes(event.target.tagName)) return;     // their own keys
    event.preventDefault();
    act(KEYS[event.key]);
  }

  const onScrub = () => { if (model.get("playing")) shared.setPlaying(false); shared.go(Number(controls.scrub.value), true); };
  const onPhase = () => {
    if (model.get("playing")) model.set("playing", false);
    model.set("phase", controls.phase.value);
    model.set("step", shared.range(controls.phase.value)[0]);
    shared.flush();
  };
  const onSpeed = () => { model.set("speed", Number(controls.speed.value)); shared.flush(); };
  const onDirection = () => { model.set("direction", controls.direction.value); shared.flush(); };
  const resize = new ResizeObserver(() => { if (!zoom.touched) opening(); });
  resize.observe(body);

  const modelListeners = [
    ["change:svg", drawSvg], ["change:view", drawSvg], ["change:message", drawSvg],
    ["change:step", paint], ["change:phase", paint], ["change:playing", paint], ["change:speed", paint],
    ["change:direction", paint],
  ];
  const domListeners = [
    [window, "keydown", onKey, true], [root, "click", onControl], [viewport, "mouseover", onOver],
    [viewport, "mouseleave", onLeave], [viewport, "click", onClick], [viewport, "wheel", onWheel, { passive: false }],
    [viewport, "pointerdown", onDown], [window, "pointermove", onMove], [window, "pointerup", onUp],
    [controls.scrub, "input", onScrub], [controls.phase, "change", onPhase], [controls.speed, "change", onSpeed],
    [controls.direction, "change", onDirection],
  ];
  for (const [name, fn] of modelListeners) model.on(name, fn);
  for (const [element, type, fn, options] of domListeners) element.addEventListener(type, fn, options);
  drawSvg();

  return () => {                  // the view was removed: leave nothing running or listening
    resize.disconnect();
    for (const [name, fn] of modelListeners) model.off(name, fn);
    for (const [element, type, fn, options] of domListeners) element.removeEventListener(type, fn, options);
    root.remove();
  };
}

const GraphAnimatorView = { initialize, render };
export default GraphAnimatorView;
