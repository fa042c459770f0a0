# What `npm run demo -- --https` prints once everything listens: the link (with a room, so the
# laptop and the phone meet in one call), its QR code, and what the phone will say about the
# self-signed certificate. Sourced by scripts/demo/run.sh, which sets host, host6, port, turn_port,
# turns_port, cert_dir and certificate_made.

https_message() {
  local room url made fingerprint
  room=phone-$(node -e 'console.log(require("node:crypto").randomBytes(3).toString("hex"))')
  url="https://$host:$port/?room=$room"
  ((certificate_made)) && made="made now" || made="made on first use, reused"
  fingerprint=$(certificate_fingerprint "$cert_dir")
  cat <<MESSAGE

  icelane demo is running over HTTPS on this machine's network address.

    Open            $url
    Forced relay    $url&relay=1
    TURN            coturn on $host${host6:+ and [$host6]}: $turn_port (udp, tcp), $turns_port (tls), a fresh shared secret
    Certificate     self-signed, $made: ${cert_dir/#$PWD\//}/cert.pem
                    SHA-256 $fingerprint
    Metrics         https://$host:$port/metrics

  Scan with a phone on the same Wi-Fi as this machine:

MESSAGE
  node packages/demo/scripts/terminal-qr.mjs "$url"
  cat <<MESSAGE

  The phone will warn that the connection is not private: the certificate was made on this
  machine, so no authority vouches for it. That is expected. Accept it once (it is kept for the
  next runs; a new one, and a new warning, only when this machine's address changes):

    Chrome, Android    "Your connection is not private" (NET::ERR_CERT_AUTHORITY_INVALID):
                       tap Advanced, then "Proceed to $host (unsafe)".
    Safari, iPhone     "This Connection Is Not Private": tap Show Details, then "visit this
                       website", then Visit Website.
    Firefox            "Be careful. Something doesn't look right." (Firefox 153): tap Advanced,
                       then "Proceed to $host (Risky)". Older versions say "Warning: Potential
                       Security Risk Ahead": Advanced…, then "Accept the Risk and Continue".

  To be sure it is this machine's certificate, compare the SHA-256 above with the one the browser
  shows (the certificate viewer behind the warning). This computer's browser asks the same.

  Open the link here too and join: the phone joins the same room. Tick Force relay on both to see
  the call go through coturn (over UDP or TCP: browsers refuse TURN over TLS with a certificate
  the device does not trust, whatever exception the page got).

  On mobile data a phone cannot reach $host. Use a public host or a tunnel with Cloudflare's
  TURN: "From a phone on mobile data" in packages/demo/README.md. The page's "ICE servers
  received" and "Check my network" then show what the phone's network allows.
  Ctrl-C stops coturn and the server.

MESSAGE
}
