# Installs what icelane's commands need on a fresh Debian 12 machine with Node 20 and npm.
# Sourced by scripts/test.sh and scripts/demo.sh.

# pnpm through npm: corepack cannot always verify pnpm's signature offline.
ensure_pnpm() {
  if ! command -v pnpm >/dev/null 2>&1; then
    echo "icelane: installing pnpm 10 with npm" >&2
    npm install -g pnpm@10 >&2
  fi
}

# ensure_debian_packages <package>=<file or command> ...: installs the packages whose file or
# command is missing, with one `apt-get update` first.
ensure_debian_packages() {
  local missing=() spec package probe
  for spec in "$@"; do
    package=${spec%%=*}
    probe=${spec#*=}
    if [[ $probe == /* ]]; then
      [[ -e $probe ]] || missing+=("$package")
    else
      command -v "$probe" >/dev/null 2>&1 || missing+=("$package")
    fi
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo)
    else
      echo "icelane: missing Debian packages (${missing[*]}); run as root or install them." >&2
      return 1
    fi
  fi
  echo "icelane: installing Debian packages: ${missing[*]}" >&2
  "${sudo[@]}" apt-get update -q >&2
  # Debian starts a package's system service when it is installed (redis-server, prometheus).
  # icelane's commands never use one: each starts its own process with its own configuration,
  # storage and port. So services are denied a start during the install (policy-rc.d(8)), unless
  # the machine has a policy of its own.
  local policy=/usr/sbin/policy-rc.d placed=0 status
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n# Placed by icelane while it installs packages.\nexit 101\n' |
      "${sudo[@]}" tee "$policy" >/dev/null && "${sudo[@]}" chmod 755 "$policy" && placed=1
  fi
  # Under `set -e` too, the policy is removed whatever the install did.
  status=0
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q "${missing[@]}" >&2 || status=$?
  [[ $placed -eq 1 ]] && "${sudo[@]}" rm -f "$policy"
  return $status
}

ensure_workspace() {
  ensure_pnpm
  pnpm install --frozen-lockfile --reporter=append-only >&2
}
