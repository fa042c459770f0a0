// simple-peer's prebuilt browser bundle (UMD, with its own Buffer and stream shims).
declare module 'simple-peer/simplepeer.min.js' {
  const SimplePeer: unknown;
  export default SimplePeer;
}
