#!/usr/bin/env bash
# The recovery benchmark: SDK video calls through the NAT lab (symmetric / symmetric, data every
# 100 ms) meet a NAT rebinding, a handover, a TURN restart or a 3 s blackout, or nothing (the
# control run, for false alarms), with the SDK's `recovery: true` and `recovery: false` (the
# baseline) side by side in the same run. Prints a table and writes bench/results/recovery.json.
# Each call's pages also record every silence of the far side (no transport byte, no data channel
# message, 200 ms or longer, read every 50 ms), their own stalls and the load (silence-record.ts):
# printed per run, the raw record in the results. It measures; it never fails on a time. Needs
# root (network namespaces), `ip`, `iptables`, `conntrack`.
#   BENCH_RECOVERY_RUNS=10           runs per scenario and mode
#   BENCH_RECOVERY_STRATEGY=auto     the SDK strategy of every call (auto or relay)
#   BENCH_RECOVERY_WATCH_MS=25000    how long each call is watched after the incident
#   BENCH_RECOVERY_SIDE_BY_SIDE=1    run the two modes' calls at once (0: one after the other)
#   BENCH_RECOVERY_MODES=recovery,baseline
#                                    the modes each run makes (recovery alone: a hold without
#                                    the baseline's call beside it, half the browsers)
#   BENCH_RECOVERY_WORKERS=1         scenarios run at once, each in a Playwright worker of its
#                                    own writing its figures to recovery.<worker>.json
#   BENCH_RECOVERY_PROFILES=lte-good,3g
#                                    also run every scenario with both clients on these link
#                                    profiles (the NAT lab's link emulator, e2e/nat-lab/README.md)
#   BENCH_RECOVERY_RESULTS=path      write the figures there instead of bench/results/recovery.json
# Extra arguments go to Playwright, e.g. `pnpm run bench:recovery -g handover`.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/ensure.sh

if [[ $(id -u) -ne 0 ]]; then
  echo "bench-recovery: the NAT lab needs root for its network namespaces; run it with sudo." >&2
  exit 1
fi
ensure_debian_packages \
  chromium=/usr/lib/chromium/chromium \
  coturn=turnserver \
  iptables=iptables \
  iproute2=ip \
  python3=python3 \
  conntrack=conntrack
ensure_workspace
# What the lab runs: the server CLI and the SDK (its test page is built by Playwright's setup).
pnpm --filter '@icelane/server...' --filter '@icelane/sdk...' run build >&2
exec pnpm exec playwright test --config bench/recovery/playwright.config.ts "$@"
