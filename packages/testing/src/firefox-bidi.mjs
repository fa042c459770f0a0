#!/usr/bin/env node
// Debian's Firefox ESR for Playwright's WebDriver BiDi driver: used as `executablePath`, it starts
// the real binary ($FIREFOX_PATH) with Playwright's arguments and puts a small WebSocket relay
// between the two. Playwright (1.65) sets `emulation.setMediaFeaturesOverride` on every new
// context; Firefox 153 ESR does not know that command and answers `unknown command`, which fails
// `browser.newContext()`. The relay turns that one answer into a success (it only sets
// prefers-color-scheme, which no test uses); every other message passes through untouched, and a
// Firefox that knows the command answers it itself. No dependencies: Node's own net module.
//
// With FIREFOX_NETNS=<namespace>, Firefox runs inside that network namespace (`ip netns exec`)
// while this relay stays outside, where Playwright can reach it. Firefox's BiDi server listens on
// the namespace's own loopback, which nothing outside can connect to, so a connector process
// (netns-connector.mjs) runs in the namespace too: for each connection Playwright opens, it
// connects to Firefox there and hands the connected socket back over its IPC channel (a unix
// socket pair, which crosses network namespaces). No port, address or file is added anywhere;
// the connector exits with this process.
//
// With FIREFOX_CA_FILE=<PEM file>, Firefox trusts that certificate authority: it goes into the
// profile Playwright made for this launch (its own NSS database, cert9.db, through Debian's
// certutil from libnss3-tools), which Firefox reads at start. Nothing outside that profile
// changes, and the profile goes when Playwright closes the browser.
import { execFileSync, spawn } from 'node:child_process';
import { Buffer } from 'node:buffer';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { URL, fileURLToPath } from 'node:url';

const TOLERATED = new Set(['emulation.setMediaFeaturesOverride']);
const firefoxPath = process.env.FIREFOX_PATH || '/usr/lib/firefox-esr/firefox-esr';
const netns = process.env.FIREFOX_NETNS || '';
const inNetns = (command, args) =>
  netns ? ['ip', ['netns', 'exec', netns, command, ...args]] : [command, args];

if (process.env.FIREFOX_CA_FILE) trustInProfile(process.env.FIREFOX_CA_FILE);

const firefox = spawn(...inNetns(firefoxPath, process.argv.slice(2)), {
  stdio: ['ignore', 'inherit', 'pipe'],
});
firefox.on('error', (error) => {
  process.stderr.write(`firefox-bidi: cannot start ${firefoxPath}: ${error.message}\n`);
  process.exit(1);
});
firefox.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
  process.on(signal, () => firefox.kill(signal));
}

/** Adds the CA in `caFile` to the NSS database of the profile Playwright passes (`--profile`). */
function trustInProfile(caFile) {
  const at = process.argv.findIndex((arg) => arg === '--profile' || arg === '-profile');
  const profile = at >= 0 ? process.argv[at + 1] : undefined;
  if (!profile) {
    process.stderr.write('firefox-bidi: FIREFOX_CA_FILE needs the --profile Playwright passes\n');
    process.exit(1);
  }
  const db = `sql:${profile}`;
  try {
    if (!existsSync(join(profile, 'cert9.db'))) {
      execFileSync('certutil', ['-d', db, '-N', '--empty-password'], { stdio: 'pipe' });
    }
    const add = ['-d', db, '-A', '-t', 'C,,', '-n', 'test CA', '-i', caFile];
    execFileSync('certutil', add, { stdio: 'pipe' });
  } catch (error) {
    const said = error.stderr?.toString().trim() || error.message;
    process.stderr.write(`firefox-bidi: cannot trust ${caFile} in the profile: ${said}\n`);
    process.exit(1);
  }
}

/** Connects to Firefox's BiDi server: directly, or from inside FIREFOX_NETNS via the connector. */
const connectToFirefox = netns
  ? netnsConnector()
  : async (target) => net.connect(target.port, target.host);

/**
 * Starts the connector in FIREFOX_NETNS and returns `connect(target)`, which resolves with a
 * socket connected to `target` inside the namespace.
 */
function netnsConnector() {
  const script = fileURLToPath(new URL('./netns-connector.mjs', import.meta.url));
  const connector = spawn(...inNetns(process.execPath, [script]), {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map();
  let nextId = 1;
  connector.on('message', ({ id, error }, socket) => {
    const pending = waiting.get(id);
    waiting.delete(id);
    if (!pending) return void socket?.destroy();
    if (socket) pending.resolve(socket);
    else pending.reject(new Error(`firefox-bidi: cannot reach Firefox in ${netns}: ${error}`));
  });
  connector.on('exit', () => {
    for (const pending of waiting.values()) pending.reject(new Error('the connector exited'));
    waiting.clear();
  });
  return (target) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      connector.send({ id, host: target.host, port: target.port });
    });
}

/** Splits complete WebSocket frames off `buffer`: [{ fin, opcode, payload, raw }], rest. */
function takeFrames(buffer) {
  const frames = [];
  let offset = 0;
  for (;;) {
    if (buffer.length - offset < 2) break;
    const b0 = buffer[offset];
    const b1 = buffer[offset + 1];
    let length = b1 & 0x7f;
    let header = 2;
    if (length === 126) {
      if (buffer.length - offset < 4) break;
      length = buffer.readUInt16BE(offset + 2);
      header = 4;
    } else if (length === 127) {
      if (buffer.length - offset < 10) break;
      length = Number(buffer.readBigUInt64BE(offset + 2));
      header = 10;
    }
    const masked = (b1 & 0x80) !== 0;
    const maskAt = offset + header;
    const start = maskAt + (masked ? 4 : 0);
    const end = start + length;
    if (buffer.length < end) break;
    const payload = Buffer.from(buffer.subarray(start, end));
    if (masked) {
      for (let i = 0; i < payload.length; i++) payload[i] ^= buffer[maskAt + (i % 4)];
    }
    frames.push({
      fin: (b0 & 0x80) !== 0,
      opcode: b0 & 0x0f,
      payload,
      raw: buffer.subarray(offset, end),
    });
    offset = end;
  }
  return [frames, buffer.subarray(offset)];
}

/** An unmasked, final text frame (server to client). */
function textFrame(text) {
  const payload = Buffer.from(text);
  const n = payload.length;
  const header =
    n < 126
      ? Buffer.from([0x81, n])
      : n < 65536
        ? Buffer.from([0x81, 126, n >> 8, n & 0xff])
        : Buffer.concat([Buffer.from([0x81, 127]), Buffer.alloc(8)]);
  if (n >= 65536) header.writeBigUInt64BE(BigInt(n), 2);
  return Buffer.concat([header, payload]);
}

const parse = (payload) => {
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
};

async function relay(client, target) {
  // Nothing is read from Playwright before Firefox's end of the relay exists.
  client.pause();
  let upstream;
  try {
    upstream = await connectToFirefox(target);
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    return void client.destroy();
  }
  const tolerated = new Set();
  const upgraded = { client: false, upstream: false };
  let fromClient = Buffer.alloc(0);
  let fromUpstream = Buffer.alloc(0);
  const end = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', end).on('close', end);
  upstream.on('error', end).on('close', end);

  // The HTTP upgrade passes through as it is; frames are read once the headers are over.
  const afterHeaders = (buffer, side) => {
    if (upgraded[side]) return buffer;
    const at = buffer.indexOf('\r\n\r\n');
    if (at < 0) return undefined;
    upgraded[side] = true;
    return buffer.subarray(at + 4);
  };

  client.on('data', (chunk) => {
    if (!upgraded.client) {
      const rest = afterHeaders(chunk, 'client');
      // Firefox checks the Host header against the address it listens on.
      const head = chunk.subarray(0, chunk.length - (rest?.length ?? 0)).toString('latin1');
      upstream.write(head.replace(/^host:.*$/im, `Host: ${target.host}:${target.port}`), 'latin1');
      if (rest === undefined) return;
      chunk = rest;
    }
    const [frames, rest] = takeFrames(Buffer.concat([fromClient, chunk]));
    fromClient = rest;
    for (const frame of frames) {
      if (frame.fin && frame.opcode === 1) {
        const message = parse(frame.payload);
        if (message && TOLERATED.has(message.method)) tolerated.add(message.id);
      }
      upstream.write(frame.raw);
    }
  });

  upstream.on('data', (chunk) => {
    if (!upgraded.upstream) {
      const rest = afterHeaders(chunk, 'upstream');
      if (rest === undefined) return void client.write(chunk);
      client.write(chunk.subarray(0, chunk.length - rest.length));
      chunk = rest;
    }
    const [frames, rest] = takeFrames(Buffer.concat([fromUpstream, chunk]));
    fromUpstream = rest;
    for (const frame of frames) {
      if (frame.fin && frame.opcode === 1 && tolerated.size > 0) {
        const message = parse(frame.payload);
        if (message && tolerated.has(message.id)) {
          tolerated.delete(message.id);
          if (message.type === 'error' && message.error === 'unknown command') {
            client.write(
              textFrame(JSON.stringify({ type: 'success', id: message.id, result: {} })),
            );
            continue;
          }
        }
      }
      client.write(frame.raw);
    }
  });
  client.resume();
}

// Firefox prints where its BiDi server listens; Playwright reads that line. Start the relay on a
// free loopback port and print its address in place of Firefox's.
let pending = '';
const target = { host: '127.0.0.1', port: 0 };
const server = net.createServer((socket) => void relay(socket, target));
firefox.stderr.on('data', (chunk) => {
  pending += chunk.toString();
  let newline;
  while ((newline = pending.indexOf('\n')) >= 0) {
    const line = pending.slice(0, newline);
    pending = pending.slice(newline + 1);
    const match = line.match(/WebDriver BiDi listening on ws:\/\/([^:/\s]+):(\d+)/);
    if (!match) {
      process.stderr.write(line + '\n');
      continue;
    }
    target.host = match[1];
    target.port = Number(match[2]);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      process.stderr.write(line.replace(`${match[1]}:${match[2]}`, `127.0.0.1:${port}`) + '\n');
    });
  }
});
