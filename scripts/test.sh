#!/usr/bin/env bash
# The whole test suite, from a fresh clone on Debian 12 with Node 20 and npm: installs what is
# missing, builds, then runs static checks, unit and integration tests (vitest) and the browser
# suites in real Chromium and Firefox (Playwright), and prints one summary line at the end.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure.sh

ensure_debian_packages \
  chromium=/usr/lib/chromium/chromium \
  firefox-esr=/usr/lib/firefox-esr/firefox-esr \
  coturn=turnserver \
  redis-server=redis-server \
  iptables=iptables \
  iproute2=ip \
  conntrack=conntrack \
  tayga=/usr/sbin/tayga \
  unbound=/usr/sbin/unbound \
  python3=python3 \
  prometheus=/usr/bin/prometheus \
  libnss3-tools=certutil || exit 1
ensure_workspace || exit 1

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
failed_steps=()

step() {
  local name=$1
  shift
  echo "== $name" >&2
  "$@" || failed_steps+=("$name")
}

step build pnpm run build
step bundle-budget node bench/bundle/check.mjs

# The static checks and vitest (mostly waiting on servers, Redis and coturn) run beside the SDK
# and demo browser suites; the NAT lab, whose calls assert sub-second gaps, runs after them with
# the machine to itself. Output of the side job is printed after the browsers', not interleaved.
beside() {
  failed_steps=()
  step typecheck pnpm run typecheck
  step lint pnpm run lint
  # Both projects, unit and integration (vitest.config.ts), in one run sharing its workers.
  step vitest env ICELANE_PACKAGES_BUILT=1 ICELANE_VITEST_TIMING=apart pnpm exec vitest run \
    --reporter=default --reporter=json --outputFile.json="$results/vitest.json"
  # The published packages packed, installed with npm into a fresh app, built and called through.
  step package-install node e2e/package-install/check.mjs
  printf '%s\n' "${failed_steps[@]}" >"$results/beside-failed"
}
beside >"$results/beside.log" 2>&1 &
beside_pid=$!

# The packages were just built: the browser suites' setup only builds their test page.
browsers() {
  local name=$1
  shift
  step "playwright $name" env ICELANE_PACKAGES_BUILT=1 \
    PLAYWRIGHT_JSON_OUTPUT_NAME="$results/playwright-$name.json" \
    pnpm exec playwright test --reporter=list,json "$@"
}
browsers browsers --project=sdk --project=demo --project=demo-firefox

wait "$beside_pid"
cat "$results/beside.log"
while read -r name; do [ -n "$name" ] && failed_steps+=("$name"); done <"$results/beside-failed"

# The integration files that assert timings (vitest.config.ts, TIMING_SENSITIVE), alone.
step "vitest timing" env ICELANE_PACKAGES_BUILT=1 ICELANE_VITEST_TIMING=only pnpm exec vitest run \
  --project integration --reporter=default --reporter=json \
  --outputFile.json="$results/vitest-timing.json"

browsers nat-lab --project=nat-lab

node scripts/lib/summary.mjs "$results/vitest.json,$results/vitest-timing.json" \
  "$results/playwright-browsers.json,$results/playwright-nat-lab.json" "${failed_steps[@]}"
