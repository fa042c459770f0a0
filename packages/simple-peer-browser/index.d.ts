/**
 * simple-peer's `Peer` class. Typed loosely here: `@icelane/sdk` declares the part it uses
 * (`SimplePeerConstructor`) and checks the module's shape when it loads it.
 */
declare const SimplePeer: unknown;
export default SimplePeer;
