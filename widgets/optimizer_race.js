// OptimizerRace, browser half (follows plot_kit.js in one module): plays back the trajectories Python
// computed with tinygrad_edu.optim over the surface's contour map, all together or side by side.
// Playback runs here with no kernel round trip; the current step is synced back a few times a second.

const SPEEDS = [[10, "10 steps/s"], [30, "30 steps/s"], [60, "60 steps/s"], [120, "120 steps/s"], [300, "300 steps/s"]];
const LAYOUTS = [["together", "together"], ["side_by_side", "side by side"]];
const SECOND = { momentum: ["momentum", "momentum"], nesterov: ["momentum", "momentum"], rmsprop: ["alpha", "α"],
  adam: ["betas", "β₁"] };
const BIG = 380;           // the one map, when together
const SMALL = 206;         // each map, side by side
const SYNC_MS = 250;

// Contour segments of `grid` (n x n, row 0 at the top) at `level`, in grid coordinates (marching squares).
function contourSegments(grid, n, level) {
  const segments = [];
  const at = (r, c) => grid[r * n + c];
  const cross = (r0, c0, r1, c1) => {
    const a = at(r0, c0), b = at(r1, c1);
    const t = (level - a) / (b - a);
    return [c0 + (c1 - c0) * t, r0 + (r1 - r0) * t];
  };
  for (let r = 0; r < n - 1; r++) {
    for (let c = 0; c < n - 1; c++) {
      const tl = at(r, c) > level, tr = at(r, c + 1) > level, br = at(r + 1, c + 1) > level, bl = at(r + 1, c) > level;
      const edges = [];
      if (tl !== tr) edges.push(cross(r, c, r, c + 1));
      if (tr !== br) edges.push(cross(r, c + 1, r + 1, c + 1));
      if (br !== bl) edges.push(cross(r + 1, c + 1, r + 1, c));
      if (bl !== tl) edges.push(cross(r + 1, c, r, c));
      if (edges.length === 2) segments.push(edges);
      else if (edges.length === 4) segments.push([edges[0], edges[1]], [edges[2], edges[3]]);
    }
  }
  return segments;
}

function render({ model, el }) {
  const root = make("div", "tge-race");
  root.tabIndex = 0;
  const tooltip = makeTooltip(root);

  const top = make("div", "tge-race-top");
  const restart = makeButton("|◀", "back to the start", "restart");
  const play = makeButton("▶", "play / pause (space)", "play");
  play.classList.add("tge-race-play");
  const scrub = make("input", "tge-race-scrub");
  Object.assign(scrub, { type: "range", min: "0", step: "1" });
  const counter = make("span", "tge-race-counter");
  const speed = makeSelect(SPEEDS, "tge-race-speed", "playback speed");
  const arrangement = makeSelect(LAYOUTS, "tge-race-arrangement", "one map, or one map per optimizer");
  const steps = make("input", "tge-race-steps");
  Object.assign(steps, { type: "number", min: "1", max: "20000", step: "50", title: "steps to race" });
  top.append(restart, play, scrub, counter, labelled("Speed", speed), labelled("Show", arrangement), labelled("Steps", steps));

  const body = make("div", "tge-race-body");
  const maps = make("div", "tge-race-maps");
  const table = make("table", "tge-race-table");
  body.append(maps, table);
  const caption = make("div", "tge-race-caption tge-muted");
  root.append(top, body, caption);
  el.appendChild(root);

  let panels = [];           // { canvas, ctx, size, names }
  let background = null;     // the shaded map with its contour lines, drawn once per landscape
  let current = 0, timer = null, last = 0, lastSync = 0, hidden = new Set();

  const paths = () => model.get("paths");
  const stepCount = () => paths().steps;

  function buildBackground() {
    const land = model.get("landscape");
    const n = land.grid, shade = floats(land.shade);
    const canvas = document.createElement("canvas");
    const size = BIG * (window.devicePixelRatio || 1);
    canvas.width = canvas.height = size;
    const ctx = canvas.getContext("2d");
    if (!ctx) return null;
    paintGrid(ctx, n, n, (i) => sequential(shade[i]), size, size);
    ctx.strokeStyle = "rgba(40, 55, 75, 0.35)";
    ctx.lineWidth = size / BIG;
    const scale = size / (n - 1);
    ctx.beginPath();
    for (const level of land.levels) {
      for (const [[x0, y0], [x1, y1]] of contourSegments(shade, n, level)) {
        ctx.moveTo(x0 * scale, y0 * scale);
        ctx.lineTo(x1 * scale, y1 * scale);
      }
    }
    ctx.stroke();
    return canvas;
  }

  function toPixels(size) {
    const [[x0, x1], [y0, y1]] = model.get("landscape").bounds;
    return (x, y) => [((x - x0) / (x1 - x0)) * size, ((y1 - y) / (y1 - y0)) * size];
  }

  function buildPanels() {
    maps.replaceChildren();
    const p = paths();
    const together = model.get("arrangement") === "together";
    const groups = together ? [p.names] : p.names.map((n) => [n]);
    maps.classList.toggle("tge-race-grid", !together);
    panels = groups.map((names) => {
      const box = make("div", "tge-race-panel");
      const canvas = make("canvas", "tge-race-map");
      const size = together ? BIG : SMALL;
      const ctx = sizeCanvas(canvas, size, size);
      if (!together) {
        const i = p.names.indexOf(names[0]);
        const title = make("div", "tge-race-paneltitle", p.labels[i]);
        title.style.color = p.colours[i];
        box.appendChild(title);
      }
      box.appendChild(canvas);
      maps.appendChild(box);
      return { canvas, ctx, size, names };
    });
  }

  function buildTable() {
    table.replaceChildren();
    const p = paths(), settings = model.get("settings");
    const head = table.insertRow();
    for (const t of ["", "optimizer", "lr", "", "loss"]) head.appendChild(make("th", "", t));
    p.names.forEach((name, i) => {
      const row = table.insertRow();
      row.dataset.name = name;
      const show = make("input");
      show.type = "checkbox";
      show.checked = !hidden.has(name);
      show.dataset.toggle = name;
      const swatch = make("span", "tge-race-swatch");
      swatch.style.background = p.colours[i];
      const who = make("td");
      who.append(swatch, make("span", "", p.labels[i]));
      const lr = make("input", "tge-race-lr");
      Object.assign(lr, { type: "number", step: "any", min: "0", value: String(settings[name].lr), title: "learning rate" });
      lr.dataset.name = name;
      lr.dataset.key = "lr";
      const second = make("td");
      if (SECOND[name]) {
        const [key, label] = SECOND[name];
        const value = key === "betas" ? settings[name].betas[0] : settings[name][key];
        const input = make("input", "tge-race-second");
        Object.assign(input, { type: "number", step: "any", min: "0", max: "0.9999", value: String(value), title: key });
        input.dataset.name = name;
        input.dataset.key = key;
        second.append(make("span", "tge-muted", `${label} `), input);
      }
      const c0 = make("td"), c2 = make("td");
      c0.appendChild(show);
      c2.appendChild(lr);
      row.append(c0, who, c2, second, make("td", "tge-race-loss"));
    });
  }

  function drawPanel(panel) {
    const { ctx, size, names } = panel;
    if (!ctx) return;
    const p = paths(), pts = floats(p.points), losses = floats(p.losses);
    const n = p.steps + 1;
    if (background) ctx.drawImage(background, 0, 0, size, size);
    const px = toPixels(size);
    const minimum = model.get("landscape").minimum;
    if (minimum) {
      const [mx, my] = px(minimum[0], minimum[1]);
      ctx.fillStyle = "#1d2733";
      ctx.font = `${size > 300 ? 16 : 12}px system-ui, sans-serif`;
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.fillText("★", mx, my);
    }
    for (const name of names) {
      if (hidden.has(name)) continue;
      const k = p.names.indexOf(name), base = k * n * 2;
      ctx.strokeStyle = p.colours[k];
      ctx.lineWidth = size > 300 ? 2 : 1.6;
      ctx.beginPath();
      let end = -1;
      for (let t = 0; t <= current && t < n; t++) {
        const x = pts[base + 2 * t], y = pts[base + 2 * t + 1];
        if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(losses[k * n + t])) break;
        const [u, v] = px(x, y);
        if (t === 0) ctx.moveTo(u, v); else ctx.lineTo(u, v);
        end = t;
      }
      ctx.stroke();
      if (end >= 0) {
        const [u, v] = px(pts[base + 2 * end], pts[base + 2 * end + 1]);
        ctx.beginPath();
        ctx.arc(u, v, size > 300 ? 5 : 4, 0, 2 * Math.PI);
        ctx.fillStyle = p.colours[k];
        ctx.fill();
        ctx.strokeStyle = "#fff";
        ctx.lineWidth = 1.5;
        ctx.stroke();
      }
    }
    const start = model.get("start");
    const [su, sv] = px(start[0], start[1]);
    ctx.strokeStyle = "#1d2733";
    ctx.lineWidth = 1.5;
    ctx.strokeRect(su - 4, sv - 4, 8, 8);
  }

  function draw() {
    const p = paths(), losses = floats(p.losses), n = p.steps + 1;
    for (const panel of panels) drawPanel(panel);
    counter.textContent = `step ${current} / ${p.steps}`;
    scrub.max = String(p.steps);
    scrub.value = String(current);
    root.dataset.step = String(current);
    for (const row of table.querySelectorAll("tr[data-name]")) {
      const k = p.names.indexOf(row.dataset.name);
      let diverged = -1;
      for (let t = 0; t <= current && t < n; t++) if (!Number.isFinite(losses[k * n + t])) { diverged = t; break; }
      const cell = row.querySelector(".tge-race-loss");
      cell.textContent = diverged >= 0 ? `diverged (step ${diverged})` : formatNumber(losses[k * n + current], 4);
      cell.classList.toggle("tge-race-diverged", diverged >= 0);
    }
    play.textContent = model.get("playing") ? "❚❚" : "▶";
  }

  function sync(force) {
    const now = performance.now();
    if (!force && now - lastSync < SYNC_MS) return;
    lastSync = now;
    if (model.get("step") !== current) { model.set("step", current); model.save_changes(); }
  }

  function tick(now) {
    timer = null;
    if (!model.get("playing")) return;
    const advance = ((now - last) / 1000) * Number(model.get("speed"));
    if (advance >= 1) {
      current = Math.min(stepCount(), current + Math.floor(advance));
      last = now;
      draw();
      sync(false);
    }
    if (current >= stepCount()) {
      model.set("playing", false);
      model.set("step", current);
      model.save_changes();
      return;
    }
    timer = requestAnimationFrame(tick);
  }

  function onPlaying() {
    if (model.get("playing") && timer === null) {
      if (current >= stepCount()) current = 0;
      last = performance.now();
      timer = requestAnimationFrame(tick);
    } else if (!model.get("playing")) {
      if (timer !== null) cancelAnimationFrame(timer);
      timer = null;
      sync(true);
    }
    draw();
  }

  function setPlaying(on) { model.set("playing", on); model.save_changes(); }

  function onClick(event) {
    const action = event.target.closest("button")?.dataset.action;
    if (action === "play") setPlaying(!model.get("playing"));
    else if (action === "restart") { setPlaying(false); current = 0; draw(); sync(true); }
    const toggle = event.target.dataset?.toggle;
    if (toggle) {
      if (event.target.checked) hidden.delete(toggle); else hidden.add(toggle);
      draw();
    }
  }

  function onSetting(event) {
    const input = event.target;
    const { name, key } = input.dataset;
    if (!name || !key) return;
    const value = Number(input.value);
    if (!Number.isFinite(value) || value < 0) { input.classList.add("tge-race-bad"); return; }
    input.classList.remove("tge-race-bad");
    const settings = JSON.parse(JSON.stringify(model.get("settings")));
    if (key === "betas") settings[name].betas = [value, settings[name].betas[1]];
    else settings[name][key] = value;
    model.set("settings", settings);
    model.save_changes();
  }

  function mapPoint(event) {
    const canvas = event.target.closest("canvas.tge-race-map");
    if (!canvas) return null;
    const box = canvas.getBoundingClientRect();
    const [[x0, x1], [y0, y1]] = model.get("landscape").bounds;
    const u = (event.clientX - box.left) / box.width, v = (event.clientY - box.top) / box.height;
    return { x: x0 + u * (x1 - x0), y: y1 - v * (y1 - y0), u, v };
  }

  function onHover(event) {
    const p = mapPoint(event);
    if (!p) { tooltip.hide(); return; }
    const land = model.get("landscape"), n = land.grid, values = floats(land.values);
    const r = Math.round(p.v * (n - 1)), c = Math.round(p.u * (n - 1));
    tooltip.show(`(${formatNumber(p.x)}, ${formatNumber(p.y)})  f = ${formatNumber(values[r * n + c], 4)}\nclick: start here`, event);
  }

  function onMapClick(event) {
    const p = mapPoint(event);
    if (!p) return;
    current = 0;
    model.set("start", [p.x, p.y]);
    model.set("step", 0);
    model.set("playing", true);
    model.save_changes();
  }

  function onKey(event) {
    if (event.key === "Enter" && event.target.tagName === "INPUT") event.target.blur();    // commits: "change"
    if (event.key === " " && !["SELECT", "INPUT", "BUTTON"].includes(event.target.tagName)) {
      event.preventDefault();
      setPlaying(!model.get("playing"));
    }
  }

  function syncControls() {
    speed.value = String(model.get("speed"));
    arrangement.value = model.get("arrangement");
    steps.value = String(model.get("steps"));
    caption.textContent = `f(x, y) = ${model.get("formula")}   ·   □ start (click the map to start elsewhere)` +
      (model.get("landscape").minimum ? "   ·   ★ minimum" : "");
  }

  const onLandscape = () => { background = buildBackground(); draw(); };
  const onPaths = () => { current = Math.min(current, stepCount()); buildPanels(); buildTable(); draw(); };
  const onStep = () => { if (!model.get("playing")) { current = model.get("step"); draw(); } };
  const domListeners = [
    [root, "click", onClick], [root, "keydown", onKey], [table, "change", onSetting],
    [maps, "mousemove", onHover], [maps, "mouseleave", () => tooltip.hide()], [maps, "click", onMapClick],
    [scrub, "input", () => { setPlaying(false); current = Number(scrub.value); draw(); sync(false); }],
    [speed, "change", () => { model.set("speed", Number(speed.value)); model.save_changes(); }],
    [arrangement, "change", () => { model.set("arrangement", arrangement.value); model.save_changes(); }],
    [steps, "change", () => {
      const v = Math.round(Number(steps.value));
      if (v >= 1 && v <= 20000) { model.set("steps", v); model.save_changes(); }
    }],
  ];
  const modelListeners = [
    ["change:landscape", onLandscape], ["change:paths", onPaths], ["change:settings", buildTable],
    ["change:arrangement", () => { buildPanels(); draw(); syncControls(); }], ["change:playing", onPlaying],
    ["change:step", onStep], ["change:speed", syncControls], ["change:steps", syncControls],
    ["change:start", draw],
  ];
  for (const [element, type, fn] of domListeners) element.addEventListener(type, fn);
  for (const [name, fn] of modelListeners) model.on(name, fn);
  current = model.get("step");
  background = buildBackground();
  buildPanels();
  buildTable();
  syncControls();
  draw();
  onPlaying();

  return () => {
    if (timer !== null) cancelAnimationFrame(timer);
    for (const [element, type, fn] of domListeners) element.removeEventListener(type, fn);
    for (const [name, fn] of modelListeners) model.off(name, fn);
    root.remove();
  };
}

export default { render };
