// The SDK's size budgets, in gzip bytes (level 9; 1 kB = 1,000 bytes, as Vite prints sizes).
// The test suite fails when either is exceeded.
export const bundleBudgets = {
  /**
   * The SDK's own code: its published modules and the protocol helpers they use, minified.
   * 21.0 -> 21.1 kB: peer-link.ts split into a base class for the 400-line file limit (+85 bytes).
   * 21.1 -> 21.2 kB: the connection report says its address families, so an IPv6-only phone's
   * call through NAT64 reads as such (+54 bytes).
   * 21.2 -> 21.4 kB: no false alarm at 10 % loss: the live watch learns how long the call goes
   * quiet and takes the browser's `disconnected` alone for no loss, the signaling probe waits out
   * a TCP resend and closes nothing the call no longer needs (+159 bytes).
   * 21.4 -> 21.6 kB: call quality told to the server (`connection:quality`, each change and the
   * end of each call) and rated on the window's mean round trip (+190 bytes).
   * 21.6 -> 21.7 kB: call quality told again after a rejoin, and under the far side's new id once
   * it rejoined, so the server counts each call's time once (+102 bytes).
   * 21.7 -> 21.8 kB: no report while a rejoin waits for its answer, a call told once its far side
   * has an id the server knows, and a check of the signaling connection that joins the one under
   * way or runs beside a measurement instead of being dropped (+115 bytes).
   * 21.8 -> 21.9 kB: the join goes out while simple-peer's chunk still loads (87 ms median on 3G),
   * the server's events and the connection's drops before the room exists held for it
   * (+169 bytes).
   * 21.9 -> 22.1 kB: a call that opens on a relay while a direct pair is on its way reports the
   * direct pair it moves to, and a relayed pair is read every 250 ms while it may still move
   * (+152 bytes).
   * 22.1 -> 22.2 kB: connecting to the signaling server is given, once the transport is open, at
   * least one round-trip timeout of the opening, so a join on a slow link is not failed by the
   * fixed 10 s (+56 bytes).
   * 22.2 -> 22.3 kB: the join rides in socket.io's CONNECT (its `auth`, kept current with the
   * resume token for each reconnection) and is answered by `room:joined` after it, one round trip
   * less before a call (200 ms on 3G); its answer waited for across a drop, the held events
   * counted from it (+136 bytes: 22,148 -> 22,284).
   * 22,300 -> 22,340 bytes: two peers joining at once through different server nodes still call:
   * a `peer:joined` for a peer the join answer listed, heard before this side offered to it, no
   * longer makes both sides wait for an offer; nor is one offered to once announced gone
   * (+40 bytes: 22,290 -> 22,330, with the offers moved to room-peers.ts for the file limit).
   * 22,340 -> 22,380 bytes: the far side's relay that Chromium learned from Firefox's check
   * (prflx, its address hidden, its priority the relay's) is reported as a relay, not as a direct
   * path: the first report of such a call said direct and the server counted it so (+25 bytes:
   * 22,330 -> 22,355).
   * 22,380 -> 22,385 bytes: on a call that stalled twice, the live watch counts a silence from
   * the first reading of bytes that stood still, not from the last message, and no reading long
   * after the one before as one (+5 bytes: 22,377 -> 22,382; the learnt limit it replaces is gone).
   * 22,385 -> 22,410 bytes: on a call that stalled twice, the browser's `disconnected` is again a
   * loss after two heartbeats of silence from the last message, not from the bytes' first
   * reading; a reading of the bytes that fails no longer hides a silence past `pathSilentMs`
   * (+23 bytes: 22,382 -> 22,405).
   * 22,410 -> 22,590 bytes: a page that goes away leaves at once (`pagehide`): each relayed
   * connection's final usage from its last reading, `room:leave`, the connections closed, the
   * socket closed once the server answered, an app's own leave() under way taken over; a tab
   * closed mid-call was billed 0 bytes and shown `reconnecting` for ~15 s on the far side
   * (+181 bytes: 22,405 -> 22,586).
   * 22,590 -> 22,632 bytes: the `pagehide` leave runs a second time when Firefox cancels its
   * first run (it cancels the first script once it shuts a closed tab's process down), and sends
   * what that run did not: the final usage once, then the leave; 1 Firefox tab close in 10 lost
   * both (+42 bytes: 22,586 -> 22,628).
   * 22,632 -> 22,670 bytes: each `pagehide` run makes the signaling WebSocket writable again, which
   * a first run cut inside engine.io-client's write left unwritable for good, the second run's
   * usage and leave held behind it; 1 Firefox tab close in 30 under load lost both so (+38 bytes:
   * 22,628 -> 22,666).
   * 22,670 -> 22,736 bytes: the live watch times each reading of the bytes by when the browser
   * counted them (the report's `timestamp`), not by when a busy page got the reading, which came
   * as late as the page was busy (+66 bytes: 22,666 -> 22,732).
   * 22,736 -> 22,765 bytes: in Firefox, whose transport report counts no bytes, the watch reads
   * its candidate pairs' instead, so media arriving shows the far side there as in Chromium (+29
   * bytes: 22,732 -> 22,761).
   * 22,765 -> 22,783 bytes: the WebSocket is made writable again only when no write that went
   * through awaits its drain, so a `pagehide` dispatched inside another script sends no packet
   * twice (+18 bytes: 22,761 -> 22,779).
   */
  ownCodeGzip: 22_783,
  /** Everything an app ships for the SDK: every chunk, the lazy simple-peer chunk included. */
  totalGzip: 45_000,
};

export const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;

/** Each budget with the measured size and whether it holds. */
export function checkBudgets({ ownCode, app }) {
  return [
    { budget: 'own code', gzip: ownCode.gzip, limit: bundleBudgets.ownCodeGzip },
    { budget: 'total shipped', gzip: app.gzip, limit: bundleBudgets.totalGzip },
  ].map((entry) => ({ ...entry, met: entry.gzip < entry.limit }));
}
