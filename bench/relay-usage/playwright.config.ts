import { benchConfig } from '../lib/bench-config.js';

// The relay-usage benchmark: forced-relay video calls through a local coturn, the relay bytes the
// server counted against coturn's own count. Calls of a minute or less, one after the other.
export default benchConfig(15 * 60_000);
