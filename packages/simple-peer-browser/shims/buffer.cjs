// simple-peer turns a binary data channel message (an ArrayBuffer) into bytes with `Buffer.from`;
// a Uint8Array is what browsers use for bytes.
module.exports = { Buffer: { from: (arrayBuffer) => new Uint8Array(arrayBuffer) } };
