/**
 * Watches the peer connection of one attempt and says, well before the browser's own ~15 s,
 * that it will not connect — once, with the first reason seen.
 *
 * Its deadlines follow the path (path-timing.ts), read when they come due, so a round trip
 * measured after the attempt started still counts. And the connect deadline never ends an
 * attempt that is getting there: when it comes, an attempt that reached a further stage since
 * the last look (checks answered, ICE up, DTLS up) gets one more `checksSilentMs`. Both sides
 * see the same stages within a round trip of each other (an answered check on one side is a
 * check the other side answered), so neither gives up on an attempt the other is about to
 * open: in the lab at 450 ms one way, one side gave up 54 ms before the other's data channel
 * opened, and its retry closed the call.
 */
import type { AddressFamily, CandidateType } from '@icelane/protocol';
import { candidateFamily } from './family-mismatch.js';
import { checksProgress, normalizeCandidateType, type StatsLike } from './candidate-report.js';
import type { FailureReason } from './errors.js';

export interface FailureDetectorOptions {
  /** The attempt's deadline, as the path is measured now. */
  connectTimeoutMs(): number;
  /**
   * How long checks may go unanswered once both sides' descriptions and candidates are in; also
   * what an attempt that made progress gets past its deadline.
   */
  checksSilentMs(): number;
  /** Policy `relay`: no relay candidate after gathering is a failure. */
  expectRelay: boolean;
  /** How often `getStats()` is read while connecting. */
  pollMs: number;
}

export const failureDetectorDefaults = {
  pollMs: 250,
} as const satisfies Partial<FailureDetectorOptions>;

export interface FailureDetector {
  /** The candidate types gathered so far on this side. */
  localCandidateTypes(): CandidateType[];
  /**
   * The families of this side's own interfaces: its host candidates' addresses gathered so far,
   * sorted. Not a server-reflexive one (through NAT64 it is IPv4), nor a relay (the TURN
   * server's); none under policy relay, or behind mDNS names.
   */
  localAddressFamilies(): AddressFamily[];
  /** Stops watching (connected, or the attempt was abandoned). */
  stop(): void;
}

/** TURN's "Unauthorized": the credentials were refused. */
const TURN_UNAUTHORIZED = 401;

/**
 * Calls `onFailure` once with the first sign that the attempt will not connect. A TURN server
 * refusing the credentials (401) is such a sign only when the attempt needs the relay (policy
 * `relay`); otherwise a direct path may still connect, so `onTurnRefused` is told and ICE carries on.
 */
export function watchForFailure(
  pc: RTCPeerConnection,
  options: Omit<FailureDetectorOptions, 'pollMs'> & Partial<Pick<FailureDetectorOptions, 'pollMs'>>,
  onFailure: (reason: FailureReason) => void,
  onTurnRefused: () => void = () => {},
): FailureDetector {
  const o = { ...failureDetectorDefaults, ...options };
  const gathered = new Set<CandidateType>();
  const families = new Set<AddressFamily>();
  let stopped = false;
  let remoteCandidates = 0;
  let silentSince: number | undefined;
  let turnRefused = false;
  let answered = false;
  /** The stage the attempt had reached at the deadline's last look. */
  let stageSeen = 0;
  const startedAt = Date.now();

  const fail = (reason: FailureReason) => {
    if (stopped) return;
    stop();
    // Without the relay its refused credentials may be why: say so, the retry needs fresh ones.
    onFailure(turnRefused && !gathered.has('relay') ? 'turn-auth' : reason);
  };

  const onCandidate = (event: RTCPeerConnectionIceEvent) => {
    const type = candidateTypeOf(event.candidate);
    if (type) gathered.add(type);
    const family = type === 'host' && event.candidate && candidateFamily(event.candidate);
    if (family) families.add(family);
  };
  const onCandidateError = (event: Event) => {
    if ((event as RTCPeerConnectionIceErrorEvent).errorCode !== TURN_UNAUTHORIZED) return;
    const first = !turnRefused;
    turnRefused = true;
    if (!o.expectRelay) {
      if (first && !stopped) onTurnRefused();
      return;
    }
    // Another TURN server may still have given a relay candidate: only then is 401 harmless.
    if (!gathered.has('relay')) fail('turn-auth');
  };
  const onState = () => {
    if (pc.connectionState === 'failed' || pc.iceConnectionState === 'failed') fail('ice-failed');
  };
  const onGathering = () => {
    if (pc.iceGatheringState !== 'complete' || !o.expectRelay || gathered.has('relay')) return;
    fail(turnRefused ? 'turn-auth' : 'no-relay-candidate');
  };

  const poll = async () => {
    if (stopped || !pc.localDescription || !pc.remoteDescription) return;
    const stats = (await pc.getStats()) as unknown as StatsLike;
    if (stopped) return;
    let remote = 0;
    stats.forEach((entry) => {
      if (entry.type === 'remote-candidate') remote += 1;
    });
    const progress = checksProgress(stats);
    const now = Date.now();
    if (remote === 0 || progress.pairs === 0) return;
    if (progress.failedPairs === progress.pairs && pc.iceGatheringState === 'complete') {
      fail('ice-failed');
      return;
    }
    // A new remote candidate makes new pairs: give those their own silent window.
    if (remote !== remoteCandidates || silentSince === undefined) {
      remoteCandidates = remote;
      silentSince = now;
    }
    if (progress.responsesReceived > 0) {
      answered = true;
      silentSince = now;
    } else if (now - silentSince >= o.checksSilentMs()) fail('checks-silent');
  };

  pc.addEventListener('icecandidate', onCandidate);
  pc.addEventListener('icecandidateerror', onCandidateError);
  pc.addEventListener('connectionstatechange', onState);
  pc.addEventListener('iceconnectionstatechange', onState);
  pc.addEventListener('icegatheringstatechange', onGathering);
  // How far the attempt got: 1 checks answered, 2 ICE up, 3 DTLS up too.
  const stage = () => {
    if (pc.connectionState === 'connected') return 3;
    const ice = pc.iceConnectionState;
    if (ice === 'connected' || ice === 'completed') return 2;
    return answered ? 1 : 0;
  };
  let deadline: ReturnType<typeof setTimeout>;
  const arm = (atMs: number) => {
    deadline = setTimeout(onDeadline, Math.max(0, atMs - (Date.now() - startedAt)));
  };
  let extendedUntil = 0;
  function onDeadline() {
    const elapsed = Date.now() - startedAt;
    // The path was measured slower since: the deadline moved.
    const due = Math.max(o.connectTimeoutMs(), extendedUntil);
    if (elapsed < due) return arm(due);
    const reached = stage();
    if (reached > stageSeen) {
      stageSeen = reached;
      extendedUntil = elapsed + o.checksSilentMs();
      return arm(extendedUntil);
    }
    // A missing relay candidate says more than "timeout" when relay was expected.
    if (!o.expectRelay || gathered.has('relay')) fail('timeout');
    else fail('no-relay-candidate');
  }
  arm(o.connectTimeoutMs());
  const interval = setInterval(() => {
    poll().catch(() => {
      // getStats rejects once the connection is closed; the link handles closing.
    });
  }, o.pollMs);

  function stop() {
    if (stopped) return;
    stopped = true;
    clearTimeout(deadline);
    clearInterval(interval);
    pc.removeEventListener('icecandidate', onCandidate);
    pc.removeEventListener('icecandidateerror', onCandidateError);
    pc.removeEventListener('connectionstatechange', onState);
    pc.removeEventListener('iceconnectionstatechange', onState);
    pc.removeEventListener('icegatheringstatechange', onGathering);
  }

  return {
    localCandidateTypes: () => [...gathered],
    localAddressFamilies: () => [...families].sort(),
    stop,
  };
}

/** The type of a gathered candidate; Firefox may leave `type` empty, the SDP line has it. */
export function candidateTypeOf(candidate: RTCIceCandidate | null): CandidateType | undefined {
  if (!candidate) return undefined;
  return (
    normalizeCandidateType(candidate.type) ??
    normalizeCandidateType(/ typ (\w+)/.exec(candidate.candidate)?.[1])
  );
}
