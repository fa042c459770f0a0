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
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q "${missing[@]}" >&2
}

ensure_workspace() {
  ensure_pnpm
  pnpm install --frozen-lockfile --reporter=append-only >&2
}
