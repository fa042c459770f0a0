#!/usr/bin/env bash
# The NAT lab alone: builds the packages, then runs real Chromium and Firefox through network
# namespaces behind port-restricted, symmetric and UDP-blocking NATs (Playwright project `nat-lab`).
# Needs root, `ip` and `iptables`; without them the specs are skipped and say why. Extra arguments
# go to Playwright, e.g. `scripts/nat-lab.sh -g symmetric`. NAT_LAB_DEBUG=1 prints coturn's and the
# server's logs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure.sh

ensure_debian_packages \
  chromium=/usr/lib/chromium/chromium \
  firefox-esr=/usr/lib/firefox-esr/firefox-esr \
  coturn=turnserver \
  iptables=iptables \
  iproute2=ip \
  conntrack=conntrack \
  tayga=/usr/sbin/tayga \
  unbound=/usr/sbin/unbound \
  python3=python3 \
  libnss3-tools=certutil
ensure_workspace
# Only what the lab runs: the server CLI and the SDK (its test page is built by Playwright's setup).
pnpm --filter '@icelane/server...' --filter '@icelane/sdk...' run build >&2
exec pnpm exec playwright test --project=nat-lab "$@"
