#!/usr/bin/env bash
# `pnpm run bench:server`: builds the server, makes room for 5,000 sockets on each side of the
# loopback (one file descriptor each, plus a margin), then runs the benchmark.
# `pnpm run bench:server:compare -- <ref>...` (first argument `compare`) runs compare.mjs instead;
# `bash bench/server/run.sh profile` runs profile.mjs (Linux perf, as root).
set -euo pipefail
cd "$(dirname "$0")/../.."

needed=12000
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$needed" ]; then
  hard=$(ulimit -Hn)
  if [ "$hard" != unlimited ] && [ "$hard" -lt "$needed" ]; then
    echo "bench:server: needs $needed open files; the hard limit is $hard (raise it, e.g. in limits.conf)" >&2
    exit 1
  fi
  ulimit -n "$needed"
fi

pnpm --filter @icelane/protocol --filter @icelane/server run build >/dev/null
script=run.mjs
case "${1:-}" in
  compare) script=compare.mjs && shift ;;
  profile) script=profile.mjs && shift ;;
esac
exec node "bench/server/$script" "$@"
