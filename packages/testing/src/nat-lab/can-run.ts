/** Whether this machine can build the lab: root, `ip`, `iptables`, and the right to use them. */
import { execFileSync } from 'node:child_process';
import { labGate, labNeeds } from './lab-gate.js';

function missingRequirement(): string | null {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  if (process.getuid?.() !== 0) return 'not running as root';
  for (const command of ['ip', 'iptables']) {
    try {
      execFileSync(command, ['-V'], { stdio: 'ignore' });
    } catch {
      return `\`${command}\` is not installed or not on PATH`;
    }
  }
  try {
    // A throwaway network namespace with a NAT table: the privileges the lab needs, not just uid 0
    // (a container's root may lack them). It disappears when the command exits.
    execFileSync('unshare', ['--net', '--', 'iptables', '-t', 'nat', '-S'], { stdio: 'ignore' });
  } catch {
    return 'cannot create a network namespace with iptables in it (missing CAP_SYS_ADMIN or CAP_NET_ADMIN?)';
  }
  return null;
}

const missing = missingRequirement();

/** True when the lab can run here; the specs skip with {@link cannotRunReason} otherwise. */
export const canRunLab = missing === null;

export const cannotRunReason = labNeeds(missing ?? 'all present');

/** The gate for this machine and this process's environment. */
export const thisMachineLabGate = labGate(missing, process.env);
