// simple-peer's CommonJS entry, as the default export of an ES module.
import Peer from 'simple-peer/index.js';

export default Peer;
