// Playground, what a frame's numbers mean on screen: neuron names, each neuron's formula, the weights
// of each layer, and the colour scale of each kind of heatmap. Bundled between plot_kit.js and
// playground.js (static_files.bundle), so these names are in scope there.

function neuronName(c, u, scene) {
  const col = scene.columns[c];
  if (col.kind === "input") return col.labels[u];
  if (col.kind === "hidden") return `h${c}_${u + 1}`;
  if (scene.task === "regression") return "ŷ";
  const classes = scene.classes;
  return col.units === 1 ? `p(${classes[1]})` : `p(${classes[u]})`;
}

function term(w, name, first) {
  const sign = w < 0 ? (first ? "−" : " − ") : (first ? "" : " + ");
  return `${sign}${formatNumber(Math.abs(w))}·${name}`;
}

// "h1_2 = tanh(0.31·x1 − 1.2·x2 + 0.1)" for the unit u of column c (c >= 1).
function formula(c, u, scene, weights) {
  const col = scene.columns[c];
  const fanIn = scene.columns[c - 1].units;
  const { w, b } = weights[c - 1];
  const parts = [];
  for (let i = 0; i < fanIn && i < 8; i++) parts.push(term(w[u * fanIn + i], neuronName(c - 1, i, scene), i === 0));
  if (fanIn > 8) parts.push(" + …");
  const bias = b[u];
  const sum = `${parts.join("")}${bias < 0 ? " − " : " + "}${formatNumber(Math.abs(bias))}`;
  const name = neuronName(c, u, scene);
  if (col.kind !== "output") return col.symbol ? `${name} = ${col.symbol}(${sum})` : `${name} = ${sum}`;
  if (col.activation === "sigmoid") return `${name} = σ(${sum})`;
  if (col.activation === "softmax") return `${name} = softmax(z)_${u + 1},  z_${u + 1} = ${sum}`;
  return `${name} = ${sum}`;
}

// Per layer {w: Float32Array(out*in), b: Float32Array(out)} from the frame's flat buffer.
function splitWeights(flat, scene) {
  const out = [];
  let at = 0;
  for (let c = 1; c < scene.columns.length; c++) {
    const fanIn = scene.columns[c - 1].units, units = scene.columns[c].units;
    out.push({ w: flat.subarray(at, at + units * fanIn), b: flat.subarray(at + units * fanIn, at + units * fanIn + units) });
    at += units * fanIn + units;
  }
  return out;
}

function maxAbs(values, from, to) {
  let m = 1e-9;
  for (let i = from; i < to; i++) if (Math.abs(values[i]) > m) m = Math.abs(values[i]);
  return m;
}

// The colour of value v of a map drawn for a column: activations in their own range, the rest scaled.
function mapColour(kind, scene, classIndex) {
  const [low, high] = scene.target_range;
  const mid = (low + high) / 2, half = Math.max((high - low) / 2, 1e-9);
  if (kind === "tanh") return (v) => diverging(v);
  if (kind === "sigmoid") return (v) => diverging(2 * v - 1);
  if (kind === "softmax") {
    const end = PALETTE[classIndex % PALETTE.length];
    return (v) => [0, 1, 2].map((i) => NEUTRAL[i] + (end[i] - NEUTRAL[i]) * v);
  }
  if (kind === "") return (v) => diverging((v - mid) / half);      // regression output
  return null;                                                     // relu, linear, inputs: scaled per map
}
