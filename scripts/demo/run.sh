#!/usr/bin/env bash
# Starts the demo from a built workspace: a coturn with a fresh shared secret (TURN REST API,
# `use-auth-secret`) and the icelane server configured for it, serving packages/demo/dist. Prints
# the URL to open (with --https, on the LAN address, with a QR code for a phone), and on Ctrl-C or
# SIGTERM stops both by PID. Options and variables: scripts/demo/options.sh, or --help.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/demo/options.sh
source scripts/demo/certificate.sh
parse_demo_args "$@"

fail() {
  echo "icelane demo: $*" >&2
  exit 1
}

if ((demo_https)); then
  host=${ICELANE_DEMO_HOST:-$(lan_address)}
  [[ -n $host ]] || fail "no network address found for --https: set ICELANE_DEMO_HOST to this machine's LAN address"
  port=${ICELANE_DEMO_PORT:-8443}
  host6=${ICELANE_DEMO_HOST6-$(lan_address 6)}
  scheme=https
else
  host=${ICELANE_DEMO_HOST:-127.0.0.1}
  port=${ICELANE_DEMO_PORT:-8080}
  host6=${ICELANE_DEMO_HOST6-::1}
  scheme=http
fi
turn_port=${ICELANE_DEMO_TURN_PORT:-3478}
turns_port=${ICELANE_DEMO_TURNS_PORT:-5349}
cert_dir=${ICELANE_DEMO_CERT_DIR:-$PWD/.icelane/demo-cert}
static_dir=$PWD/packages/demo/dist
server_main=$PWD/packages/server/dist/main.js

[[ -f $static_dir/index.html ]] || fail "no built page in $static_dir: run 'npm run demo' (it builds first)"
[[ -f $server_main ]] || fail "no built server at $server_main: run 'npm run demo' (it builds first)"
command -v turnserver >/dev/null || fail "turnserver (Debian package coturn) is not installed"
# No IPv6 on this machine (or it is off): coturn on IPv4 alone.
grep -qs . /proc/net/if_inet6 || host6=''

# port_free <port> <tcp|udp>: whether nothing listens there yet, so a clash is named up front
# instead of surfacing later as a relay that silently never answers.
port_free() {
  node -e '
    const [port, proto, host] = process.argv.slice(1);
    const done = (free) => process.exit(free ? 0 : 1);
    if (proto === "udp") {
      const s = require("node:dgram").createSocket(host.includes(":") ? "udp6" : "udp4");
      s.once("error", () => done(false)).bind(+port, host, () => s.close(() => done(true)));
    } else {
      const s = require("node:net").createServer();
      s.once("error", () => done(false)).listen(+port, host, () => s.close(() => done(true)));
    }' "$1" "$2" "${3:-$host}"
}
port_free "$port" tcp || fail "port $port is in use: set ICELANE_DEMO_PORT to a free port"
port_free "$turn_port" tcp && port_free "$turn_port" udp ||
  fail "port $turn_port is in use: set ICELANE_DEMO_TURN_PORT to a free port"
if [[ -n $host6 ]]; then
  port_free "$turn_port" tcp "$host6" && port_free "$turn_port" udp "$host6" ||
    fail "port $turn_port is in use on $host6: set ICELANE_DEMO_TURN_PORT to a free port, or ICELANE_DEMO_HOST6= for IPv4 only"
fi
if ((demo_https)); then
  port_free "$turns_port" tcp || fail "port $turns_port is in use: set ICELANE_DEMO_TURNS_PORT to a free port"
  command -v openssl >/dev/null || fail "openssl (Debian package openssl) is not installed"
  ensure_certificate "$cert_dir" "$host" || fail "no certificate for $host"
fi

work=$(mktemp -d -t icelane-demo.XXXXXX)
coturn_pid=''
server_pid=''

# running <pid>: alive and not yet a zombie (an exited child stays visible to `kill -0` until
# it is waited for).
running() {
  [[ -r /proc/$1/stat ]] && [[ $(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) != Z ]]
}

# stop [interrupted]: on Ctrl-C or SIGTERM the demo ends as asked; otherwise by the exit status.
stop() {
  local status=$?
  [[ ${1:-} == interrupted ]] && status=0
  trap - EXIT INT TERM
  local pid
  for pid in $server_pid $coturn_pid; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in $server_pid $coturn_pid; do
    # Five seconds to exit gracefully (the server closes its connections), then it is killed.
    for _ in $(seq 1 50); do running "$pid" || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  # A failed start or a server that stopped: its last words, before its log goes with the rest.
  if ((status != 0)) && [[ -s $work/server.log ]]; then
    echo "icelane demo: the server's last log lines:" >&2
    tail -n 20 "$work/server.log" >&2
  fi
  rm -rf "$work"
}
trap 'stop interrupted; exit 0' INT TERM
trap stop EXIT

# A shared secret made for this run. It goes to coturn in a file only this user can read and to
# the server in its environment, never on a command line where `ps` would show it.
secret=$(node -e 'console.log(require("node:crypto").randomBytes(32).toString("base64url"))')
umask 077
printf 'static-auth-secret=%s\n' "$secret" >"$work/turnserver.conf"

loopback_peers=()
[[ $host == 127.* ]] && loopback_peers=(--allow-loopback-peers)
# TURN over TLS with the page's certificate: the relay a network that lets only HTTPS out allows.
tls_args=(--no-tls)
turn_urls="turn:$host:$turn_port?transport=udp,turn:$host:$turn_port?transport=tcp"
if ((demo_https)); then
  tls_args=(--cert="$cert_dir/cert.pem" --pkey="$cert_dir/key.pem" --tls-listening-port="$turns_port")
  turn_urls+=",turns:$host:$turns_port?transport=tcp"
fi
# On both families: a phone on an IPv6-only network reaches coturn over IPv6. Each family has its
# own relay address, and a client gets an IPv4 one unless it asks for IPv6 (RFC 6156), so the
# relay stays reachable from an IPv4-only peer (docs/turn-server.md). --external-ip names that
# IPv4 relay address and keeps RFC 5780's second port (turn port + 1) closed, which two listening
# addresses would open.
ipv6_args=()
[[ -n $host6 ]] && ipv6_args=(--listening-ip="$host6" --relay-ip="$host6")
turnserver -c "$work/turnserver.conf" \
  --listening-ip="$host" --relay-ip="$host" --external-ip="$host" "${ipv6_args[@]}" \
  --listening-port="$turn_port" --min-port=49152 --max-port=65535 \
  --use-auth-secret --realm=icelane.demo --fingerprint \
  "${tls_args[@]}" --no-dtls --no-cli --no-multicast-peers "${loopback_peers[@]}" \
  --userdb="$work/turndb" --pidfile="$work/turnserver.pid" \
  --log-file="$work/turnserver.log" --simple-log >/dev/null 2>&1 &
coturn_pid=$!

# wait_for_tcp <port> <pid> <what>
wait_for_tcp() {
  for _ in $(seq 1 100); do
    kill -0 "$2" 2>/dev/null || fail "$3 exited during start-up"
    if (exec 3<>"/dev/tcp/$host/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  fail "$3 did not listen on $host:$1 within 10 s"
}
wait_for_tcp "$turn_port" "$coturn_pid" "coturn (log: $work/turnserver.log)"
((demo_https)) && wait_for_tcp "$turns_port" "$coturn_pid" "coturn's TLS port (log: $work/turnserver.log)"

tls_env=()
((demo_https)) && tls_env=(ICELANE_TLS_CERT="$cert_dir/cert.pem" ICELANE_TLS_KEY="$cert_dir/key.pem")
env "${tls_env[@]}" \
  ICELANE_TURN_PROVIDER=coturn \
  ICELANE_COTURN_SECRETS="$secret" \
  ICELANE_COTURN_URLS="$turn_urls" \
  ICELANE_STUN_URLS="stun:$host:$turn_port" \
  ICELANE_STATIC_DIR="$static_dir" \
  HOST="$host" \
  PORT="$port" \
  node "$server_main" >>"$work/server.log" 2>&1 &
# The server's log goes to a file: its lines would push the link and the QR code off the screen.
server_pid=$!
wait_for_tcp "$port" "$server_pid" "the icelane server"

if ((demo_https)); then
  source scripts/demo/https-message.sh
  https_message
else
  url="http://$host:$port/"
  cat <<MESSAGE

  icelane demo is running.

    Open            $url
    Forced relay    ${url}?relay=1
    TURN            coturn on $host:$turn_port${host6:+ and [$host6]:$turn_port} (udp, tcp), a fresh shared secret
    Metrics         ${url}metrics
    Operator view   ${url}operator.html

  Open the page in two tabs (or share the link with the room in it) to make a call.
  From a phone on the same Wi-Fi: npm run demo -- --https (a link and a QR code to scan).
  Ctrl-C stops coturn and the server.

MESSAGE
fi
echo "  Server log: tail -f $work/server.log (removed when the demo stops)"
echo

# Runs until interrupted, or until one of the two stops on its own.
set +e
wait -n "$coturn_pid" "$server_pid"
echo "icelane demo: $( kill -0 "$server_pid" 2>/dev/null && echo coturn || echo 'the server') stopped; stopping the rest" >&2
exit 1
