#!/usr/bin/env bash
# `npm run demo [-- --https]`: from a fresh Debian 12 machine with Node 20 and npm, installs what
# is missing (pnpm, coturn, openssl), installs the workspace, builds it, then starts a local coturn
# and the icelane server serving the demo page (scripts/demo/run.sh). Ctrl-C stops everything it
# started. `--help` lists every option and variable (scripts/demo/options.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure.sh
source scripts/demo/options.sh
# --help, and a mistyped option, answer before anything is installed.
parse_demo_args "$@"

ensure_debian_packages coturn=turnserver openssl=openssl
ensure_workspace
# The test command builds every package before its suites start (ICELANE_PACKAGES_BUILT): a
# second build here would rewrite dist/ under the tests running beside this one.
if [[ -z ${ICELANE_PACKAGES_BUILT:-} ]]; then
  echo "icelane: building the server and the page" >&2
  pnpm --filter "@icelane/server..." --filter "@icelane/demo..." run build >&2
fi

exec bash scripts/demo/run.sh "$@"
