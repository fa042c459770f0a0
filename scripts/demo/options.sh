# The demo command's options and variables, shared by scripts/demo.sh (which installs and builds
# first) and scripts/demo/run.sh (which starts coturn and the server). Sourced.

demo_usage() {
  cat <<'USAGE'
Usage: npm run demo [-- --https] [-- --help]
       bash scripts/demo.sh [--https] [--help]

Starts coturn and the icelane server serving the demo page, and prints the URL to open. Installs
what is missing (pnpm, Debian's coturn and openssl) and builds the server and the page first.
Ctrl-C stops everything it started.

Options:
  --https   Serve the page and the signaling over HTTPS on this machine's network (LAN) address,
            with a self-signed certificate made on first use and reused after; print the URL and
            a QR code to scan with a phone on the same Wi-Fi, and how to accept the certificate.
            coturn listens on that address too: UDP and TCP, and TLS with the same certificate
            (and on the LAN's IPv6 address, if the machine has one).
  --help    This text.

Variables:
  ICELANE_DEMO_HTTPS       1 does what --https does (default: 0)
  ICELANE_DEMO_HOST        the address coturn and the server listen on, and the page's host
                           (default: 127.0.0.1; with --https the LAN address found, which this
                           sets when the machine has several)
  ICELANE_DEMO_HOST6       coturn's IPv6 address, beside ICELANE_DEMO_HOST (default: ::1; with
                           --https the LAN's IPv6 address found, if any; empty: IPv4 only)
  ICELANE_DEMO_PORT        the server's port (default: 8080; with --https 8443)
  ICELANE_DEMO_TURN_PORT   coturn's port, UDP and TCP (default: 3478)
  ICELANE_DEMO_TURNS_PORT  coturn's TLS port, with --https (default: 5349)
  ICELANE_DEMO_CERT_DIR    where the certificate and its key are kept, with --https
                           (default: .icelane/demo-cert in the repository, which git ignores)
USAGE
}

# parse_demo_args "$@": sets demo_https to 0 or 1; prints the usage and exits on --help, and on
# an argument it does not know.
parse_demo_args() {
  case ${ICELANE_DEMO_HTTPS:-0} in
    1 | true | yes | on) demo_https=1 ;;
    0 | false | no | off | '') demo_https=0 ;;
    *)
      echo "icelane demo: ICELANE_DEMO_HTTPS must be 1 or 0, not \"$ICELANE_DEMO_HTTPS\"" >&2
      exit 2
      ;;
  esac
  local arg
  for arg in "$@"; do
    case $arg in
      --https) demo_https=1 ;;
      -h | --help)
        demo_usage
        exit 0
        ;;
      *)
        echo "icelane demo: unknown argument \"$arg\"" >&2
        demo_usage >&2
        exit 2
        ;;
    esac
  done
}

# lan_address [6]: this machine's IPv4 address on its local network, the one a phone on the same
# Wi-Fi reaches: a private address (10/8, 172.16/12, 192.168/16) first, skipping loopback and the
# bridges of containers, VMs and VPNs. With 6, its IPv6 address there, global or unique-local (not
# link-local, which needs a zone). Prints nothing when there is none.
lan_address() {
  node -e '
    const ipv6 = process.argv[1] === "6";
    const skip = /^(lo|docker|br-|veth|virbr|vmnet|vboxnet|tun|tap|wg|tailscale|zt|cni|flannel|podman)/;
    const found = Object.entries(require("node:os").networkInterfaces())
      .filter(([name]) => !skip.test(name))
      .flatMap(([, addresses]) => addresses ?? [])
      .filter((a) => String(a.family).endsWith(ipv6 ? "6" : "4") && !a.internal)
      .map((a) => a.address)
      .filter((ip) => !/^fe80:/i.test(ip));
    const isPrivate = (ip) => /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(ip);
    const pick = found.find(isPrivate) ?? found[0];
    if (pick) console.log(pick);' "${1:-4}"
}
