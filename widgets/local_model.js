// A stand-in for the widget model when there is no kernel (the HTML replay written by save_html):
// the same get/set/on/off/save_changes surface, keeping the state in this page.
export function createLocalModel(state) {
  const values = { ...state };
  const listeners = new Map();
  return {
    get: (name) => values[name],
    set(name, value) {
      if (values[name] === value) return;
      values[name] = value;
      for (const fn of listeners.get(`change:${name}`) || []) fn();
    },
    on(name, fn) {
      if (!listeners.has(name)) listeners.set(name, new Set());
      listeners.get(name).add(fn);
    },
    off(name, fn) {
      listeners.get(name)?.delete(fn);
    },
    save_changes() {},
  };
}
