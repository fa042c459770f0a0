#!/usr/bin/env bash
# The connect-time benchmark: SDK calls through the NAT lab (direct, relay, auto, auto with TURN on
# demand; auto from an IPv6-only phone behind NAT64), each made both with host addresses hidden
# and as a real video call, and the plain simple-peer baseline: median and p95 of join → data
# channel open and of each phase the SDK reports, and how many SDK calls held for 30 s after
# connecting (data every 100 ms; no fallback, no state change, no gap over 1 s). Prints a table
# and writes bench/results/connect.json. It measures; it never fails on a time or a dropped call.
# Needs root (network namespaces), `ip` and `iptables`. With the defaults it takes about 65
# minutes.
#   BENCH_CONNECT_RUNS=10           calls per SDK scenario and mode
#   BENCH_CONNECT_BASELINE_RUNS=10  calls of the baseline (~16 s each)
#   BENCH_CONNECT_HOLD_MS=30000     how long each SDK call is held after connecting (0: not held)
#   BENCH_CONNECT_RELAY_TO_PRIVATE_RUNS=0
#                                   calls of the comparison with coturn relaying to the clients'
#                                   private addresses (auto video calls, symmetric NATs; off at 0)
#   BENCH_CONNECT_PROFILES=lte-good,3g
#                                   also run the direct and auto video calls with both clients on
#                                   these link profiles (the NAT lab's link emulator; see
#                                   e2e/nat-lab/README.md), with join → open in round trips too
#   BENCH_CONNECT_UPLINK_DELAYS_MS=800,1000,1500
#                                   also run the auto video call with each client's uplink delayed
#                                   this many ms one way (client↔server round trip D), to find the
#                                   largest delay at which calls still connect
#   BENCH_CONNECT_RESULTS=path      write the figures there instead of bench/results/connect.json
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
  iproute2=ip \
  tayga=/usr/sbin/tayga \
  unbound=/usr/sbin/unbound \
  python3=python3 \
  libnss3-tools=certutil
ensure_workspace
# What the lab runs: the server CLI and the SDK (its test page is built by Playwright's setup).
pnpm --filter '@icelane/server...' --filter '@icelane/sdk...' run build >&2
exec pnpm exec playwright test --config bench/playwright.config.ts "$@"
