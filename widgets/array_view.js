// GraphAnimator's array views: small arrays as a table, larger ones as shape, min/mean/max and a
// heatmap. Joined before graph_animator.js into the widget's one ES module (static_files.module_source).

function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function formatNumber(x) {
  if (typeof x === "string") return x;
  return Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(2) : String(+x.toFixed(4));
}

// Small arrays as a table, larger ones as shape, min/mean/max and a heatmap.
function arrayView(value, missing) {
  const box = make("div", "tge-array");
  if (value === null || value === undefined) {
    box.textContent = missing;
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

// A heatmap as plain data: rows × cols signed bytes (value / scale · 127), base64-encoded.
function heatmap({ rows, cols, cells }) {
  const bytes = Int8Array.from(atob(cells), (c) => c.charCodeAt(0) << 24 >> 24);
  const canvas = make("canvas", "tge-heatmap");
  const cell = Math.max(4, Math.floor(128 / Math.max(rows, cols)));
  canvas.width = cols * cell;
  canvas.height = rows * cell;
  const ctx = canvas.getContext("2d");
  if (!ctx) return canvas;
  bytes.forEach((v, i) => {
    const t = v / 127;
    const [red, green, blue] = t >= 0 ? [255, 255 * (1 - t), 255 * (1 - t)] : [255 * (1 + t), 255 * (1 + t), 255];
    ctx.fillStyle = `rgb(${red | 0},${green | 0},${blue | 0})`;
    ctx.fillRect((i % cols) * cell, Math.floor(i / cols) * cell, cell, cell);
  });
  return canvas;
}
