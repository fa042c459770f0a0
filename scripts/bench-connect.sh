#!/usr/bin/env bash
# The connect-time benchmark: SDK calls through the NAT lab (direct, relay, auto, auto with TURN on
# demand) and the plain simple-peer baseline, median and p95 of join → data channel open and of
# each phase the SDK reports. Prints a table and writes bench/results/connect.json. It measures;
# it never fails on a time. Needs root (network namespaces), `ip` and `iptables`.
#   BENCH_CONNECT_RUNS=10           calls per SDK scenario
#   BENCH_CONNECT_BASELINE_RUNS=10  calls of the baseline (~16 s each)
# Extra arguments go to Playwright, e.g. `scripts/bench-connect.sh -g relay`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure.sh

if [[ $(id -u) -ne 0 ]]; then
  echo "bench-connect: the NAT lab needs root for its network namespaces; run it with sudo." >&2
  exit 1
fi
ensure_debian_packages \
  chromium=/usr/lib/chromium/chromium \
  coturn=turnserver \
  iptables=iptables \
  iproute2=ip
ensure_workspace
# What the lab runs: the server CLI and the SDK (its test page is built by Playwright's setup).
pnpm --filter '@icelane/server...' --filter '@icelane/sdk...' run build >&2
exec pnpm exec playwright test --config bench/playwright.config.ts "$@"
