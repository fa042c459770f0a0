import { benchConfig } from '../lib/bench-config.js';

// The recovery benchmark: live calls through the NAT lab meeting an incident, with the SDK's
// recovery on and off, apart from the test suites. A scenario is ten runs of two ~30 s calls.
export default benchConfig(30 * 60_000);
