// simple-peer's debug logging, off: a logger that says nothing.
module.exports = function createDebug() {
  const debug = () => {};
  debug.enabled = false;
  return debug;
};
