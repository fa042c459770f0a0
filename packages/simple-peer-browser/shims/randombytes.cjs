// simple-peer draws its ids and channel names as `randombytes(n).toString('hex')`.
module.exports = function randomBytes(size) {
  const bytes = crypto.getRandomValues(new Uint8Array(size));
  return { toString: () => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('') };
};
