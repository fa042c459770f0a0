// Every browser has queueMicrotask; the package's fallback reads Node's `global`, which a worker
// lacks.
module.exports = function queueMicrotaskShim(task) {
  queueMicrotask(task);
};
