// plot_kit: drawing helpers the training widgets share (Playground, OptimizerRace). Python's
// static_files.bundle puts this file first in each widget's module, so its names are in scope there.
// Colours match tinygrad_edu/widgets/static_image.py, which draws the same pictures for nbconvert.

const NEGATIVE = [245, 147, 34];   // orange: class 0, negative weights and values
const NEUTRAL = [232, 234, 235];
const POSITIVE = [8, 119, 189];    // blue: class 1, positive weights and values
const PALETTE = [[245, 147, 34], [8, 119, 189], [44, 160, 44], [148, 103, 189], [214, 39, 40], [140, 86, 75],
  [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207]];

function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function makeSvg(tag, attrs = {}) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

// A binary buffer (DataView from ipywidgets, ArrayBuffer, or nothing) as typed arrays.
function floats(view) {
  if (!view) return new Float32Array(0);
  const buffer = view.buffer || view;
  const offset = view.byteOffset || 0;
  const length = view.byteLength;
  if (offset % 4) return new Float32Array(buffer.slice(offset, offset + length));
  return new Float32Array(buffer, offset, length / 4);
}

function bytes(view) {
  if (!view) return new Uint8Array(0);
  return new Uint8Array(view.buffer || view, view.byteOffset || 0, view.byteLength);
}

function rgb([r, g, b]) {
  return `rgb(${r | 0},${g | 0},${b | 0})`;
}

// t in [-1, 1] -> orange, grey, blue.
function diverging(t) {
  const v = Number.isFinite(t) ? Math.max(-1, Math.min(1, t)) : 0;
  const end = v < 0 ? NEGATIVE : POSITIVE;
  const a = Math.abs(v);
  return [0, 1, 2].map((i) => NEUTRAL[i] + (end[i] - NEUTRAL[i]) * a);
}

// t in [0, 1] -> light to slate (a loss surface: light valleys, slate peaks).
const LOW = [250, 251, 253], HIGH = [96, 116, 142];
function sequential(t) {
  const v = Number.isFinite(t) ? Math.max(0, Math.min(1, t)) ** 0.8 : 1;
  return [0, 1, 2].map((i) => LOW[i] + (HIGH[i] - LOW[i]) * v);
}

// A lighter colour (the heatmap behind the points, so points in the same colour still show).
function pastel([r, g, b], amount = 0.4) {
  return [r + (255 - r) * amount, g + (255 - g) * amount, b + (255 - b) * amount];
}

// Class probabilities (k of them, starting at probs[offset], `stride` apart) -> their colours mixed.
function classMix(probs, offset, k, stride = 1) {
  const out = [0, 0, 0];
  for (let c = 0; c < k; c++) {
    const p = probs[offset + c * stride];
    for (let i = 0; i < 3; i++) out[i] += p * PALETTE[c % PALETTE.length][i];
  }
  return out;
}

function formatNumber(x, digits = 3) {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  if (!Number.isFinite(x)) return x > 0 ? "∞" : "−∞";
  if (x !== 0 && (Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3)) return x.toExponential(2);
  return String(+x.toPrecision(digits));
}

// A canvas sized in CSS pixels and drawn at the screen's pixel density.
function sizeCanvas(canvas, width, height) {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext("2d");
  if (ctx) ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return ctx;
}

// Paint a cols x rows grid of colours (colourAt(index) -> [r, g, b]) over the whole of `ctx`'s box
// (width x height), smoothed, like an image scaled up.
function paintGrid(ctx, cols, rows, colourAt, width, height, scratch) {
  if (!ctx) return;
  const tile = scratch || document.createElement("canvas");
  tile.width = cols;
  tile.height = rows;
  const tctx = tile.getContext("2d");
  if (!tctx) return;
  const image = tctx.createImageData(cols, rows);
  for (let i = 0; i < cols * rows; i++) {
    const [r, g, b] = colourAt(i);
    image.data[4 * i] = r;
    image.data[4 * i + 1] = g;
    image.data[4 * i + 2] = b;
    image.data[4 * i + 3] = 255;
  }
  tctx.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(tile, 0, 0, width, height);
}

// Lines over x: series = [{ x, y, colour, dash }], drawn in a box with light axes, `pad` pixels inside it;
// y from 0 (or the smallest value, if negative) to the largest finite value. Returns the scales used.
function lineChart(ctx, width, height, series, pad) {
  if (!ctx) return null;
  ctx.clearRect(0, 0, width, height);
  let xMax = 0, yMin = Infinity, yMax = -Infinity, xMin = Infinity;
  for (const s of series) {
    for (let i = 0; i < s.x.length; i++) {
      if (!Number.isFinite(s.y[i])) continue;
      xMin = Math.min(xMin, s.x[i]);
      xMax = Math.max(xMax, s.x[i]);
      yMin = Math.min(yMin, s.y[i]);
      yMax = Math.max(yMax, s.y[i]);
    }
  }
  ctx.strokeStyle = "#d5dbe3";
  ctx.lineWidth = 1;
  ctx.strokeRect(0.5, 0.5, width - 1, height - 1);
  if (!Number.isFinite(yMax)) return null;
  yMin = Math.min(0, yMin);
  if (yMax - yMin < 1e-12) yMax = yMin + 1;
  if (xMax - xMin < 1e-12) xMax = xMin + 1;
  const sx = (x) => pad.left + ((x - xMin) / (xMax - xMin)) * (width - pad.left - pad.right);
  const sy = (y) => height - pad.bottom - ((y - yMin) / (yMax - yMin)) * (height - pad.top - pad.bottom);
  for (const s of series) {
    ctx.strokeStyle = s.colour;
    ctx.lineWidth = 1.5;
    ctx.setLineDash(s.dash || []);
    ctx.beginPath();
    let open = false;
    for (let i = 0; i < s.x.length; i++) {
      if (!Number.isFinite(s.y[i])) { open = false; continue; }
      if (open) ctx.lineTo(sx(s.x[i]), sy(s.y[i]));
      else ctx.moveTo(sx(s.x[i]), sy(s.y[i]));
      open = true;
    }
    ctx.stroke();
  }
  ctx.setLineDash([]);
  return { sx, sy, yMin, yMax, xMin, xMax };
}

// A floating box inside `host` for hover texts (weights, formulas).
function makeTooltip(host) {
  const tip = make("div", "tge-tip");
  tip.hidden = true;
  host.appendChild(tip);
  return {
    show(text, event) {
      tip.textContent = text;
      tip.hidden = false;
      const box = host.getBoundingClientRect();
      const x = event.clientX - box.left + 12;
      const y = event.clientY - box.top + 12;
      tip.style.left = `${Math.min(x, box.width - tip.offsetWidth - 4)}px`;
      tip.style.top = `${y}px`;
    },
    hide() { tip.hidden = true; },
  };
}

function makeButton(label, title, action) {
  const b = make("button", "tge-button", label);
  b.type = "button";
  b.title = title;
  b.dataset.action = action;
  return b;
}

// A <select> of [value, text] pairs; values are compared as strings.
function makeSelect(options, className, title) {
  const s = make("select", className);
  s.title = title;
  for (const [value, text] of options) {
    const o = make("option", "", text);
    o.value = String(value);
    s.appendChild(o);
  }
  return s;
}

// Select `value`, adding it as an option first if the list lacks it (a value set from Python).
function chooseOption(select, value, text) {
  const v = String(value);
  if (![...select.options].some((o) => o.value === v)) {
    const o = make("option", "", text ?? v);
    o.value = v;
    select.appendChild(o);
  }
  select.value = v;
}

function labelled(text, control) {
  const box = make("label", "tge-field");
  box.appendChild(make("span", "tge-field-name", text));
  box.appendChild(control);
  return box;
}
