# The demo's HTTPS certificate: self-signed, made with openssl on first use, kept in a folder git
# ignores and reused while it is valid for the host, so a phone that accepted it once is not asked
# again. Sourced by scripts/demo/run.sh.

# ensure_certificate <dir> <host>: leaves cert.pem and key.pem in <dir> valid for <host> (an IP
# address or a name) for at least a day more; sets certificate_made to 1 when it made them now.
ensure_certificate() {
  local dir=$1 host=$2 check
  certificate_made=0
  if [[ -f $dir/cert.pem && -f $dir/key.pem ]]; then
    [[ $host =~ ^[0-9.]+$|:  ]] && check=(-checkip "$host") || check=(-checkhost "$host")
    if openssl x509 -in "$dir/cert.pem" -noout -checkend 86400 >/dev/null &&
      openssl x509 -in "$dir/cert.pem" -noout "${check[@]}" | grep -q ' does match '; then
      return 0
    fi
    echo "icelane demo: the certificate in $dir is expiring or not for $host; making a new one" >&2
  fi
  mkdir -p "$dir"
  local san="DNS:localhost,IP:127.0.0.1"
  if [[ $host =~ ^[0-9.]+$|: ]]; then
    [[ $host == 127.0.0.1 ]] || san="IP:$host,$san"
  elif [[ $host != localhost ]]; then
    san="DNS:$host,$san"
  fi
  # Phones hold TLS server certificates to rules a bare `openssl req -x509` breaks: iOS refuses a
  # certificate valid over 825 days or without the serverAuth usage, whatever the user accepts.
  local config
  config=$(mktemp)
  cat >"$config" <<CONFIG
[req]
distinguished_name = dn
x509_extensions = ext
prompt = no
[dn]
CN = icelane demo ($host)
O = icelane demo, self-signed on $(hostname)
[ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = $san
CONFIG
  (
    umask 077
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 365 \
      -config "$config" -keyout "$dir/key.pem.new" -out "$dir/cert.pem.new" 2>"$dir/openssl.log"
  ) || {
    rm -f "$config"
    echo "icelane demo: openssl could not make a certificate:" >&2
    cat "$dir/openssl.log" >&2
    return 1
  }
  rm -f "$config" "$dir/openssl.log"
  mv "$dir/key.pem.new" "$dir/key.pem"
  mv "$dir/cert.pem.new" "$dir/cert.pem"
  certificate_made=1
}

# certificate_fingerprint <dir>: the SHA-256 fingerprint a browser shows in its certificate viewer.
certificate_fingerprint() {
  openssl x509 -in "$1/cert.pem" -noout -fingerprint -sha256 | sed 's/^.*=//'
}
