// Playground, browser half (follows plot_kit.js in one module). The kernel trains; this file asks it for
// steps while playing and draws what comes back: the output heatmap with the points, every neuron's
// heatmap, the weights as edges, the loss curves. `initialize` runs the request loop once per model,
// `render` draws one view; all DOM lookups stay inside the view's own element.

const INTERVAL_MS = 40;          // at most 25 requests, so 25 frames, a second: ~20 arrive where the machine is busy
const TARGET_KERNEL_MS = 20;     // at the fastest speed, ask for as many steps as the kernel runs in this time
const IN_FLIGHT = 2;             // requests the kernel may hold at once
const LOST_MS = 10000;           // a request unanswered this long is forgotten (the kernel was restarted)
const MAX_STEPS = 20000;
const LRS = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const REG_RATES = [0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const BATCHES = [1, 2, 5, 10, 20, 50, 100, 250, 500];
const OPTIMIZERS = [["sgd", "SGD"], ["momentum", "Momentum"], ["nesterov", "Nesterov"], ["adagrad", "Adagrad"],
  ["rmsprop", "RMSprop"], ["adam", "Adam"]];
const ACTIVATIONS = [["tanh", "Tanh"], ["relu", "ReLU"], ["sigmoid", "Sigmoid"], ["linear", "Linear"]];
const DATASETS = [["circles", "Circles"], ["xor", "XOR"], ["gaussians", "Gaussians"], ["spiral", "Spiral"],
  ["moons", "Moons"], ["plane", "Plane (regression)"], ["hills", "Hills (regression)"]];
const SPEEDS = [["max", "fastest"], ["1000", "1000 steps/s"], ["100", "100 steps/s"], ["10", "10 steps/s"],
  ["1", "1 step/s"]];
const REGULARIZATIONS = [["none", "None"], ["l1", "L1"], ["l2", "L2"]];
const MAX_LAYERS = 8;
const MAX_UNITS = 8;             // the +/- buttons stop here (Python accepts up to 32)
const HEATMAP = 260;
const CURVE_HEIGHT = 80;
const TRAIN_COLOUR = "#1d2733";
const TEST_COLOUR = "#d9822b";

// ---- the request loop: one per model, however many views show it --------------------------------
// Up to IN_FLIGHT requests wait in the kernel, so it trains the next steps while a frame travels here
// and is drawn; a new request goes out only when a frame came back and at most every INTERVAL_MS.
function initialize({ model }) {
  const inFlight = new Map();              // request id -> { k, sentAt }
  let sentAt = -Infinity, timer = null, k = 10, seq = 0;
  const rate = () => Number(model.get("speed"));
  const stepsPerRequest = () => (model.get("speed") === "max" ? k
    : Math.max(1, Math.round(rate() * INTERVAL_MS / 1000)));
  const period = () => (model.get("speed") === "max" ? INTERVAL_MS
    : Math.max(INTERVAL_MS, 1000 * stepsPerRequest() / rate()));

  function ask() {
    timer = null;
    if (!model.get("playing") || inFlight.size >= IN_FLIGHT) return;
    const id = ++seq;
    const now = performance.now();         // on the beat of the last request, unless a whole beat was missed
    sentAt = now - sentAt < 2 * period() ? Math.max(sentAt + period(), now - period() / 2) : now;
    inFlight.set(id, { k: stepsPerRequest(), sentAt });
    model.send({ type: "step", k: inFlight.get(id).k, id });
    schedule();
  }
  function schedule() {
    if (timer !== null || inFlight.size >= IN_FLIGHT || !model.get("playing")) return;
    const wait = sentAt + period() - performance.now();
    if (wait <= 0) ask();
    else timer = setTimeout(ask, wait);
  }
  function onFrame() {
    const frame = model.get("frame");
    const request = inFlight.get(frame.request);
    if (!request) return;
    inFlight.delete(frame.request);
    if (model.get("speed") === "max" && frame.elapsed > 0) {       // steer k toward TARGET_KERNEL_MS
      const ideal = (TARGET_KERNEL_MS / (1000 * frame.elapsed)) * request.k;
      k = Math.max(1, Math.min(MAX_STEPS, Math.round(Math.sqrt(k * ideal))));
    }
    schedule();
  }
  function onPlaying() {
    if (model.get("playing")) schedule();
    else if (timer !== null) { clearTimeout(timer); timer = null; }
  }
  const watchdog = setInterval(() => {           // forget requests a restarted kernel will never answer
    for (const [id, request] of inFlight) if (performance.now() - request.sentAt > LOST_MS) inFlight.delete(id);
    schedule();
  }, 1000);
  model.on("change:frame", onFrame);
  model.on("change:playing", onPlaying);
  onPlaying();
  return () => {
    clearInterval(watchdog);
    if (timer !== null) clearTimeout(timer);
    model.off("change:frame", onFrame);
    model.off("change:playing", onPlaying);
  };
}

// ---- one view ---------------------------------------------------------------------------------------
function render({ model, el }) {
  const root = make("div", "tge-pg");
  root.tabIndex = 0;
  const tooltip = makeTooltip(root);
  const custom = model.get("custom");

  // top bar: transport, counters, hyper-parameters
  const top = make("div", "tge-pg-top");
  const reset = makeButton("⟲", "reset: back to the same initial weights", "reset");
  const play = makeButton("▶", "play / pause (space)", "play");
  const step = makeButton("▶|", "one training step", "step");
  play.classList.add("tge-pg-play");
  const counter = make("div", "tge-pg-counter");
  const epochText = make("span", "tge-pg-epoch");
  const stepText = make("span", "tge-pg-steps");
  counter.append(epochText, stepText);
  const lr = makeSelect(LRS.map((v) => [v, String(v)]), "tge-pg-lr", "learning rate: changes the next step");
  const optimizer = makeSelect(OPTIMIZERS, "tge-pg-optimizer", "optimizer (tinygrad_edu.optim)");
  const activation = makeSelect(ACTIVATIONS, "tge-pg-activation", "activation of the hidden layers");
  const regularization = makeSelect(REGULARIZATIONS, "tge-pg-reg", "weight penalty added to the loss");
  const regRate = makeSelect(REG_RATES.map((v) => [v, String(v)]), "tge-pg-reg-rate", "regularization rate");
  const batch = makeSelect(BATCHES.map((v) => [v, String(v)]), "tge-pg-batch", "points per step");
  const speed = makeSelect(SPEEDS, "tge-pg-speed", "training speed");
  top.append(reset, play, step, counter, labelled("Learning rate", lr), labelled("Optimizer", optimizer));
  if (!custom.model) top.append(labelled("Activation", activation));
  top.append(labelled("Regularization", regularization), labelled("Rate", regRate), labelled("Batch", batch),
    labelled("Speed", speed));

  // data column
  const dataCol = make("div", "tge-pg-col tge-pg-data");
  dataCol.appendChild(make("div", "tge-pg-heading", "Data"));
  const dataset = makeSelect(DATASETS, "tge-pg-dataset", "dataset");
  const noise = make("input", "tge-pg-noise");
  Object.assign(noise, { type: "range", min: "0", max: "0.5", step: "0.01" });
  const ratio = make("input", "tge-pg-ratio");
  Object.assign(ratio, { type: "range", min: "0.1", max: "0.9", step: "0.1" });
  const noiseText = make("span", "tge-muted"), ratioText = make("span", "tge-muted");
  const showTest = make("input");
  showTest.type = "checkbox";
  const dataName = make("div", "tge-pg-dataname tge-muted");
  if (!custom.data) dataCol.append(dataset, labelled("Noise", noise), noiseText);
  dataCol.append(labelled("Train share", ratio), ratioText);
  const testBox = make("label", "tge-pg-check");
  testBox.append(showTest, make("span", "", "show test data"));
  dataCol.append(testBox, dataName);

  // network column
  const netCol = make("div", "tge-pg-col tge-pg-net");
  const netHead = make("div", "tge-pg-nethead");
  const addLayer = makeButton("+", "add a hidden layer", "add-layer");
  const removeLayer = makeButton("−", "remove a hidden layer", "remove-layer");
  const layerText = make("span", "tge-pg-heading");
  if (!custom.model) netHead.append(addLayer, removeLayer);
  netHead.appendChild(layerText);
  const diagram = make("div", "tge-pg-diagram");
  const edgeSvg = makeSvg("svg", { class: "tge-pg-edges" });
  diagram.appendChild(edgeSvg);
  netCol.append(netHead, diagram);

  // output column
  const outCol = make("div", "tge-pg-col tge-pg-out");
  outCol.appendChild(make("div", "tge-pg-heading", "Output"));
  const lossText = make("div", "tge-pg-loss");
  const heat = make("canvas", "tge-pg-heatmap");
  const heatCtx = sizeCanvas(heat, HEATMAP, HEATMAP);
  const curve = make("canvas", "tge-pg-curve");
  const curveCtx = sizeCanvas(curve, HEATMAP, CURVE_HEIGHT);
  const scrub = make("input", "tge-pg-scrub");
  Object.assign(scrub, { type: "range", min: "0", max: "0", step: "1", title: "back in time: drag to an earlier step" });
  const scrubText = make("div", "tge-muted tge-pg-scrubtext", "back in time: drag to return to an earlier step");
  const graphButton = makeButton("graph of one example", "open the GraphAnimator on one training point's loss " +
    "(or click a point on the heatmap)", "graph");
  graphButton.classList.add("tge-pg-graphbutton");
  outCol.append(lossText, heat, curve, scrub, scrubText, graphButton);

  const body = make("div", "tge-pg-body");
  body.append(dataCol, netCol, outCol);
  const message = make("div", "tge-pg-message");
  const graphPanel = make("div", "tge-pg-graph");
  root.append(top, body, message, graphPanel);
  el.appendChild(root);

  // ---- state of this view ----
  let scene = model.get("scene");
  let cells = [];            // per column, per unit: {canvas, ctx, x, y}
  let edges = [];            // {path, hit, c, i, u}
  let frames = 0;
  let width = 440;
  const scratch = document.createElement("canvas");
  let graphView = null;
  let lastWeights = null;

  function send(content) { model.send(content); }
  function setTrait(name, value) { model.set(name, value); model.save_changes(); }

  // ---- the network diagram ----
  function layout() {
    scene = model.get("scene");
    for (const c of diagram.querySelectorAll(".tge-pg-neuron, .tge-pg-colhead")) c.remove();
    edgeSvg.replaceChildren();
    cells = [];
    edges = [];
    const columns = scene.columns;
    dataName.textContent = scene.name;
    if (!columns.length) {
      layerText.textContent = `${scene.model_name}: ${scene.parameters} parameters`;
      diagram.style.height = "60px";
      const note = make("div", "tge-pg-neuron tge-muted",
        "The layers of this model are not drawn: a Sequential of Linear layers and activations would be.");
      diagram.appendChild(note);
      return;
    }
    const hidden = columns.filter((c) => c.kind === "hidden").length;
    layerText.textContent = custom.model ? `${scene.model_name}: ${scene.parameters} parameters`
      : `${hidden} hidden layer${hidden === 1 ? "" : "s"}`;
    const inputs = scene.all_features.length ? scene.all_features : columns[0].labels.map((l) => ({ key: null, label: l }));
    const rows = Math.max(inputs.length, ...columns.slice(1).map((c) => c.units));
    const size = Math.max(14, Math.min(32, Math.floor(300 / rows) - 8));
    const gap = size + 8, head = 26;
    const left = 48;
    const step = columns.length > 1 ? (width - size - left - 8) / (columns.length - 1) : 0;
    const height = head + rows * gap;
    diagram.style.height = `${height}px`;
    edgeSvg.setAttribute("width", width);
    edgeSvg.setAttribute("height", height);
    columns.forEach((col, c) => {
      const x = left + c * step;
      const units = c === 0 ? inputs.length : col.units;
      const top0 = head + ((rows - units) * gap) / 2;
      cells.push([]);
      if (col.kind === "hidden" && !custom.model) {
        const h = make("div", "tge-pg-colhead");
        const plus = makeButton("+", "add a neuron", "add-unit"), minus = makeButton("−", "remove a neuron", "remove-unit");
        plus.dataset.layer = minus.dataset.layer = String(c - 1);
        h.append(plus, minus, make("span", "tge-muted", `${col.units}`));
        h.style.left = `${x + size / 2 - 40}px`;
        diagram.appendChild(h);
      }
      for (let u = 0; u < units; u++) {
        const canvas = make("canvas", "tge-pg-neuron");
        const ctx = sizeCanvas(canvas, size, size);
        canvas.style.left = `${x}px`;
        canvas.style.top = `${top0 + u * gap}px`;
        canvas.dataset.column = String(c);
        canvas.dataset.unit = String(u);
        if (c === 0 && scene.all_features.length) {
          const active = col.keys.includes(inputs[u].key);
          canvas.classList.toggle("tge-pg-inactive", !active);
          canvas.dataset.feature = inputs[u].key;
          canvas.title = `${inputs[u].label}: click to ${active ? "stop using" : "use"} this feature`;
        }
        diagram.appendChild(canvas);
        cells[c].push({ canvas, ctx, x, y: top0 + u * gap, size, active: !canvas.classList.contains("tge-pg-inactive") });
        if (c === 0) {
          const label = make("div", "tge-pg-colhead tge-pg-inputlabel", inputs[u].label);
          label.style.left = "0px";
          label.style.top = `${top0 + u * gap + size / 2 - 8}px`;
          label.style.width = `${x - 4}px`;
          diagram.appendChild(label);
        }
      }
    });
    // edges: from every *active* unit of a column to every unit of the next
    for (let c = 1; c < columns.length; c++) {
      const sources = cells[c - 1].filter((cell) => cell.active);
      sources.forEach((from, i) => cells[c].forEach((to, u) => {
        const x0 = from.x + from.size, y0 = from.y + from.size / 2, x1 = to.x, y1 = to.y + to.size / 2;
        const mid = (x0 + x1) / 2;
        const d = `M${x0},${y0} C${mid},${y0} ${mid},${y1} ${x1},${y1}`;
        const path = makeSvg("path", { d, class: "tge-pg-edge" });
        const hit = makeSvg("path", { d, class: "tge-pg-edge-hit" });
        hit.dataset.edge = String(edges.length);
        edgeSvg.append(path, hit);
        edges.push({ path, hit, c, i, u });
      }));
    }
    renderInputs();
  }

  function renderInputs() {
    const maps = floats(scene.input_maps);
    const s = scene.small, n = s * s;
    const inputsDrawn = cells[0] || [];
    inputsDrawn.forEach((cell, u) => {
      const scale = maxAbs(maps, u * n, (u + 1) * n);
      paintGrid(cell.ctx, s, s, (i) => diverging(maps[u * n + i] / scale), cell.size, cell.size, scratch);
    });
  }

  // ---- drawing a frame ----
  function draw() {
    const frame = model.get("frame");
    if (!frame || frame.steps === undefined) return;
    frames += 1;
    root.dataset.frames = String(frames);
    root.dataset.steps = String(frame.steps);
    epochText.textContent = `Epoch ${Math.floor(frame.epoch)}`;
    stepText.textContent = `step ${frame.steps}`;
    const train = formatNumber(frame.loss, 4), test = formatNumber(frame.test_loss, 4);
    lossText.innerHTML = "";
    const trainSpan = make("span", "tge-pg-train", `Train loss ${train}`);
    const testSpan = make("span", "tge-pg-test", `Test loss ${test}`);
    lossText.append(trainSpan, testSpan);
    drawNetwork(frame);
    drawHeatmap(frame);
    drawCurve(frame);
    scrub.max = String(frame.steps);
    if (document.activeElement !== scrub) scrub.value = String(frame.steps);
  }

  function drawNetwork(frame) {
    if (!scene.columns.length) return;
    const maps = floats(frame.neurons);
    const weights = splitWeights(floats(frame.weights), scene);
    const s = scene.small, n = s * s;
    let at = 0;
    for (let c = 1; c < scene.columns.length; c++) {
      const col = scene.columns[c];
      cells[c].forEach((cell, u) => {
        const colour = mapColour(col.activation, scene, u);
        const scale = colour ? 1 : maxAbs(maps, at, at + n);
        const base = at;
        paintGrid(cell.ctx, s, s, colour ? (i) => colour(maps[base + i]) : (i) => diverging(maps[base + i] / scale),
          cell.size, cell.size, scratch);
        at += n;
      });
    }
    for (const e of edges) {
      const fanIn = scene.columns[e.c - 1].units;
      const w = weights[e.c - 1].w[e.u * fanIn + e.i];
      e.path.setAttribute("stroke", rgb(w < 0 ? NEGATIVE : POSITIVE));
      e.path.setAttribute("stroke-width", String(0.6 + 5 * Math.min(Math.abs(w), 3) / 3));
      e.weight = w;
    }
    lastWeights = weights;
  }

  function drawHeatmap(frame) {
    const out = floats(frame.output);
    const g = scene.grid, n = g * g;
    const classes = scene.classes.length;
    let colourAt;
    if (scene.task === "regression") colourAt = (i) => mapColour("", scene)(out[i]);
    else if (out.length === n) colourAt = (i) => diverging(2 * out[i] - 1);
    else colourAt = (i) => classMix(out, i * classes, classes);
    paintGrid(heatCtx, g, g, (i) => pastel(colourAt(i)), HEATMAP, HEATMAP, scratch);
    drawPoints();
  }

  function pointPixels() {
    const pts = floats(scene.points);
    const [[x0, x1], [y0, y1]] = scene.bounds;
    return (i) => [((pts[2 * i] - x0) / (x1 - x0)) * HEATMAP, ((y1 - pts[2 * i + 1]) / (y1 - y0)) * HEATMAP];
  }

  function drawPoints() {
    const labels = floats(scene.labels), test = bytes(scene.is_test);
    const at = pointPixels();
    const colour = mapColour("", scene);
    for (let i = 0; i < scene.n_points; i++) {
      if (test[i] && !showTest.checked) continue;
      const [px, py] = at(i);
      heatCtx.beginPath();
      heatCtx.arc(px, py, 3, 0, 2 * Math.PI);
      heatCtx.fillStyle = rgb(scene.task === "regression" ? colour(labels[i]) : PALETTE[labels[i] % PALETTE.length]);
      heatCtx.fill();
      heatCtx.lineWidth = test[i] ? 1.2 : 0.8;
      heatCtx.strokeStyle = test[i] ? "#000" : "#fff";
      heatCtx.stroke();
    }
  }

  function drawCurve(frame) {
    const c = floats(frame.curve);
    const m = c.length / 3;
    const scale = lineChart(curveCtx, HEATMAP, CURVE_HEIGHT, [
      { x: c.subarray(0, m), y: c.subarray(m, 2 * m), colour: TRAIN_COLOUR },
      { x: c.subarray(0, m), y: c.subarray(2 * m, 3 * m), colour: TEST_COLOUR, dash: [4, 2] },
    ], { left: 34, right: 6, top: 6, bottom: 14 });
    if (!scale) return;
    curveCtx.fillStyle = "#5f6b7a";
    curveCtx.font = "10px system-ui, sans-serif";
    curveCtx.textAlign = "right";
    curveCtx.fillText(formatNumber(scale.yMax, 2), 30, 12);
    curveCtx.fillText("0", 30, CURVE_HEIGHT - 14);
    curveCtx.fillText(`step ${Math.round(scale.xMax)}`, HEATMAP - 6, CURVE_HEIGHT - 3);
    curveCtx.textAlign = "left";
    curveCtx.fillText("loss", 4, CURVE_HEIGHT / 2);
  }

  // ---- controls from the model ----
  function syncControls() {
    const frame = model.get("frame") || {};
    play.textContent = model.get("playing") ? "❚❚" : "▶";
    chooseOption(lr, model.get("lr"));
    optimizer.value = model.get("optimizer");
    activation.value = model.get("activation");
    regularization.value = model.get("regularization");
    chooseOption(regRate, model.get("reg_rate"));
    chooseOption(batch, model.get("batch_size"));
    speed.value = model.get("speed");
    dataset.value = model.get("dataset");
    noise.value = String(model.get("noise"));
    noiseText.textContent = `noise ${formatNumber(model.get("noise"), 2)}`;
    ratio.value = String(model.get("train_ratio"));
    ratioText.textContent = `${Math.round(100 * model.get("train_ratio"))}% of the points train`;
    removeLayer.disabled = model.get("hidden").length === 0;
    addLayer.disabled = model.get("hidden").length >= MAX_LAYERS;
    const text = model.get("message") || (frame.diverged !== null && frame.diverged !== undefined
      ? `The loss stopped being a finite number at step ${frame.diverged}.` : "");
    message.textContent = text;
    message.hidden = !text;
  }

  function changeHidden(layer, delta) {
    const hidden = [...model.get("hidden")];
    hidden[layer] = Math.max(1, Math.min(MAX_UNITS, hidden[layer] + delta));
    setTrait("hidden", hidden);
  }

  function onClick(event) {
    const button = event.target.closest("button");
    const action = button?.dataset.action;
    if (action === "play") setTrait("playing", !model.get("playing"));
    else if (action === "step") { setTrait("playing", false); send({ type: "step", k: 1, id: null }); }
    else if (action === "reset") { setTrait("playing", false); send({ type: "reset" }); }
    else if (action === "graph") send({ type: "graph", index: 0 });
    else if (action === "close-graph") send({ type: "close_graph" });
    else if (action === "add-layer") setTrait("hidden", [...model.get("hidden"), 2]);
    else if (action === "remove-layer") setTrait("hidden", model.get("hidden").slice(0, -1));
    else if (action === "add-unit" || action === "remove-unit") {
      changeHidden(Number(button.dataset.layer), action === "add-unit" ? 1 : -1);
    } else if (event.target.dataset?.feature) toggleFeature(event.target.dataset.feature);
  }

  function toggleFeature(key) {
    const features = model.get("features");
    const next = features.includes(key) ? features.filter((f) => f !== key) : [...features, key];
    if (next.length) setTrait("features", next);
  }

  function onHeatmapClick(event) {                 // a training point: open its graph
    const box = heat.getBoundingClientRect();
    const x = event.clientX - box.left, y = event.clientY - box.top;
    const test = bytes(scene.is_test);
    const at = pointPixels();
    let best = -1, bestDistance = 36, trainIndex = -1, index = -1;
    for (let i = 0; i < scene.n_points; i++) {
      if (test[i]) continue;
      index += 1;
      const [px, py] = at(i);
      const d = (px - x) ** 2 + (py - y) ** 2;
      if (d < bestDistance) { bestDistance = d; best = i; trainIndex = index; }
    }
    if (best >= 0) send({ type: "graph", index: trainIndex });
  }

  function onHover(event) {
    const t = event.target;
    const weights = lastWeights;
    if (t.dataset?.edge !== undefined && weights) {
      const e = edges[Number(t.dataset.edge)];
      tooltip.show(`weight ${formatNumber(e.weight, 4)}: ${neuronName(e.c - 1, e.i, scene)} → ${neuronName(e.c, e.u, scene)}`, event);
    } else if (t.dataset?.column !== undefined && weights) {
      const c = Number(t.dataset.column), u = Number(t.dataset.unit);
      tooltip.show(c === 0 ? (t.title || neuronName(0, u, scene)) : formula(c, u, scene, weights), event);
    } else tooltip.hide();
  }

  function onScrubInput() {
    if (model.get("playing")) setTrait("playing", false);
    const target = latestCheckpoint(Number(scrub.value));
    scrubText.textContent = `release to go back to step ${target} (later steps are forgotten)`;
  }
  function latestCheckpoint(value) {
    const points = (model.get("frame").checkpoints || []).filter((s) => s <= value);
    return points.length ? points[points.length - 1] : 0;
  }
  function onScrubChange() {
    const target = latestCheckpoint(Number(scrub.value));
    scrubText.textContent = `went back to step ${target}: training continues from here`;
    send({ type: "rewind", step: target });
    scrub.blur();
  }

  async function showGraph() {
    if (graphView) { graphView.remove(); graphView = null; }
    graphPanel.replaceChildren();
    const ref = model.get("graph");
    if (!ref) return;
    const head = make("div", "tge-pg-graphhead");
    head.append(make("span", "", model.get("graph_title")), makeButton("×", "close the graph", "close-graph"));
    graphPanel.appendChild(head);
    const manager = model.widget_manager;
    const child = await manager.get_model(String(ref).replace(/^IPY_MODEL_/, ""));
    const view = await manager.create_view(child);
    if (model.get("graph") !== ref) { view.remove(); return; }     // replaced meanwhile
    graphView = view;
    graphPanel.appendChild(view.el);
    view.trigger?.("displayed");
  }

  const onKey = (event) => {
    if (event.key === " " && !["SELECT", "INPUT", "BUTTON"].includes(event.target.tagName)) {
      event.preventDefault();
      setTrait("playing", !model.get("playing"));
    }
  };
  const domListeners = [
    [root, "click", onClick], [root, "keydown", onKey], [diagram, "mousemove", onHover],
    [diagram, "mouseleave", () => tooltip.hide()], [heat, "click", onHeatmapClick],
    [scrub, "input", onScrubInput], [scrub, "change", onScrubChange],
    [showTest, "change", () => draw()],
    [lr, "change", () => setTrait("lr", Number(lr.value))],
    [optimizer, "change", () => setTrait("optimizer", optimizer.value)],
    [activation, "change", () => setTrait("activation", activation.value)],
    [regularization, "change", () => setTrait("regularization", regularization.value)],
    [regRate, "change", () => setTrait("reg_rate", Number(regRate.value))],
    [batch, "change", () => setTrait("batch_size", Number(batch.value))],
    [speed, "change", () => setTrait("speed", speed.value)],
    [dataset, "change", () => setTrait("dataset", dataset.value)],
    [noise, "change", () => setTrait("noise", Number(noise.value))],
    [ratio, "change", () => setTrait("train_ratio", Number(ratio.value))],
  ];
  const modelListeners = [
    ["change:scene", () => { layout(); draw(); }], ["change:frame", () => { draw(); syncControls(); }],
    ["change:graph", showGraph],
    ...["playing", "lr", "optimizer", "activation", "regularization", "reg_rate", "batch_size", "speed",
      "dataset", "noise", "train_ratio", "hidden", "message"].map((name) => [`change:${name}`, syncControls]),
  ];
  for (const [element, type, fn] of domListeners) element.addEventListener(type, fn);
  for (const [name, fn] of modelListeners) model.on(name, fn);
  const resize = new ResizeObserver(() => {
    const w = Math.floor(diagram.clientWidth);
    if (w > 0 && Math.abs(w - width) > 4) { width = w; layout(); draw(); }
  });
  resize.observe(diagram);
  layout();
  draw();
  syncControls();
  showGraph();

  return () => {
    resize.disconnect();
    for (const [element, type, fn] of domListeners) element.removeEventListener(type, fn);
    for (const [name, fn] of modelListeners) model.off(name, fn);
    if (graphView) graphView.remove();
    root.remove();
  };
}

export default { initialize, render };
