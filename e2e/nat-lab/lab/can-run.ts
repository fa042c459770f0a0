/** Whether this machine can build the lab: root, `ip` and `iptables`. */
import { execFileSync } from 'node:child_process';

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
  return null;
}

const missing = missingRequirement();

/** True when the lab can run here; the specs skip with {@link cannotRunReason} otherwise. */
export const canRunLab = missing === null;

export const cannotRunReason = `NAT lab needs root and iptables: ${missing ?? 'all present'}`;
