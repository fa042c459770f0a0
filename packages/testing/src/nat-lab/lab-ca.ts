/**
 * A certificate authority made for one lab, and a TURN server certificate it signs, so coturn can
 * serve `turns:` that the lab's browsers trust. Made with openssl at test time; nothing is kept.
 *
 * Chromium on Linux trusts the authorities in the NSS database `$HOME/.pki/nssdb`: the CA goes
 * into a database of the lab's own (certutil, Debian's `libnss3-tools`), and the lab's Chromium
 * runs with `HOME` there. Firefox keeps its own database in its profile: the CA goes into the one
 * Playwright makes for each launch (see `firefoxLaunchOptions`' `caFile`). The system's trust
 * store and root's own `~/.pki` are never touched.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from './run.js';

export interface LabCa {
  /** The server certificate (PEM) for coturn's `--cert`, and its key for `--pkey`. */
  certFile: string;
  keyFile: string;
  /** A `HOME` whose `.pki/nssdb` trusts the lab's CA (Chromium). */
  browserHome: string;
  /** The CA's certificate (PEM), for a browser with a trust store of its own (Firefox). */
  caFile: string;
}

/**
 * A CA and a certificate for `serverName` and `serverIp` (subject alternative names), in `dir`.
 * Firefox does TURN over TLS with a host name only (an IP address: "TLS requires FQDN").
 */
export async function makeLabCa(dir: string, serverName: string, serverIp: string): Promise<LabCa> {
  const file = (name: string) => join(dir, name);
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', [
    'req',
    '-x509',
    ...ecKey,
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=icelane lab CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await run('openssl', [
    'req',
    ...ecKey,
    '-keyout',
    file('turn.key'),
    '-out',
    file('turn.csr'),
    '-subj',
    `/CN=${serverName}`,
  ]);
  await writeFile(
    file('turn.ext'),
    `subjectAltName=DNS:${serverName},IP:${serverIp}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`,
  );
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    file('turn.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-out',
    file('turn.pem'),
    '-days',
    '2',
    '-extfile',
    file('turn.ext'),
  ]);
  const browserHome = file('browser-home');
  const nssdb = `sql:${join(browserHome, '.pki', 'nssdb')}`;
  await mkdir(join(browserHome, '.pki', 'nssdb'), { recursive: true });
  await run('certutil', ['-d', nssdb, '-N', '--empty-password']);
  await run('certutil', [
    '-d',
    nssdb,
    '-A',
    '-t',
    'C,,',
    '-n',
    'icelane lab CA',
    '-i',
    file('ca.pem'),
  ]);
  return {
    certFile: file('turn.pem'),
    keyFile: file('turn.key'),
    browserHome,
    caFile: file('ca.pem'),
  };
}
