#!/usr/bin/env python3
"""
The link emulator's packet pump: one process per emulated cable. It opens two TAP devices and
carries every Ethernet frame from one to the other, as a cable would, after the link's loss,
rate limit with a finite queue, one-way delay and jitter. The kernel here has no netem, so this
stage is userspace; TAP devices hand it whole frames (the kernel completes checksums and splits
TCP segments before a device without offloads), so UDP and TCP pass alike.

Usage: pump.py <client-side tap> <network-side tap>. Prints "ready" once both devices exist
(the caller then moves them where they belong); reads one JSON object per line on stdin, the
whole configuration each time (link-config.ts documents the fields), and answers "ok" or
"error: ..."; `{"stats": true}` answers the counters as JSON. Ends when stdin closes. The two
devices vanish with the process.

Order: a link that holds packets for a varying time still delivers them in order (real mobile
and Wi-Fi links retransmit and reorder below IP, and hand packets up in order): the delay
follows a continuous random walk, and no packet leaves before the one ahead of it.

ARP crosses at once: on a real link address resolution is with the next hop, in front of the
delay (a phone's radio link has none at all), and Linux gives up on a neighbour after three
requests a second apart go unanswered, so a delayed ARP made every one-way delay over 3 s
unreachable (`ERR_ADDRESS_UNREACHABLE`) and could fail a live call's neighbour re-check.
"""
import fcntl
import heapq
import json
import math
import os
import random
import select
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
ETHERNET_HEADER = 14
MAX_FRAME = 65536
ETHERTYPE_IPV4 = b'\x08\x00'
ETHERTYPE_ARP = b'\x08\x06'
# A frame sent this much after its time counts as late in the counters.
LATE_MS = 2


def open_tap(name):
    fd = os.open('/dev/net/tun', os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack('16sH', name.encode(), IFF_TAP | IFF_NO_PI))
    return fd


class Jitter:
    """A delay variation of standard deviation `jitter_ms` that drifts smoothly: straight lines
    between Gaussian targets `period` apart (scaled by sqrt(3/2), as a line between two
    independent points has 2/3 of their variance on average)."""

    def __init__(self):
        self.configure(0)

    def configure(self, jitter_ms):
        self.sigma = jitter_ms / 1000 * math.sqrt(1.5)
        # Slow enough that the delay rarely falls faster than time passes (no reordering to undo).
        self.period = max(0.02, 4 * jitter_ms / 1000)
        self.start_time = 0.0
        self.start_value = 0.0
        self.end_value = random.gauss(0, self.sigma) if self.sigma > 0 else 0.0

    def at(self, now):
        if self.sigma == 0:
            return 0.0
        while now >= self.start_time + self.period:
            self.start_time = max(self.start_time + self.period, now - self.period)
            self.start_value, self.end_value = self.end_value, random.gauss(0, self.sigma)
        share = (now - self.start_time) / self.period
        return self.start_value + (self.end_value - self.start_value) * share


class Direction:
    """One direction of the cable: loss (random and Gilbert-Elliott bursts), a rate limit with a
    tail-drop queue, then the one-way delay with jitter, per class of packet (the TURN path may
    be farther away than the rest)."""

    def __init__(self, name):
        self.name = name
        self.jitter = {'any': Jitter(), 'turn': Jitter()}
        self.last_departure = {'any': 0.0, 'turn': 0.0}
        self.busy_until = 0.0
        self.bad_state = False
        self.counters = {'frames': 0, 'lost': 0, 'queueDropped': 0, 'bytes': 0, 'late': 0, 'maxLateMs': 0}
        self.configure({}, {})

    def configure(self, link, turn_path):
        self.delay = link.get('delayMs', 0) / 1000
        self.loss = link.get('loss', 0)
        burst = link.get('burst') or {}
        self.enter_bad = burst.get('enterBad', 0)
        self.leave_bad = burst.get('leaveBad', 1)
        self.loss_in_bad = burst.get('lossInBad', 1)
        self.rate_bps = link.get('rateKbps', 0) * 1000
        self.queue = link.get('queueMs', 0) / 1000
        self.jitter['any'].configure(link.get('jitterMs', 0))
        self.turn_delay = turn_path.get('delayMs', 0) / 1000
        self.turn_loss = turn_path.get('loss', 0)
        self.jitter['turn'].configure(turn_path.get('jitterMs', 0))
        if not self.enter_bad:
            self.bad_state = False

    def note_lateness(self, seconds):
        """How late the pump sent a frame: its own timing error, which the self-test reports."""
        late_ms = seconds * 1000
        if late_ms > LATE_MS:
            self.counters['late'] += 1
        self.counters['maxLateMs'] = max(self.counters['maxLateMs'], round(late_ms, 1))

    def lost(self, is_turn):
        if self.enter_bad:
            flip = self.leave_bad if self.bad_state else self.enter_bad
            if random.random() < flip:
                self.bad_state = not self.bad_state
            if self.bad_state and random.random() < self.loss_in_bad:
                return True
        if self.loss and random.random() < self.loss:
            return True
        return is_turn and self.turn_loss > 0 and random.random() < self.turn_loss

    def departure(self, frame, now, is_turn, is_ip):
        """When the frame leaves the far end, or None when the link drops it. Frames other than
        IPv4 (IPv6) only see the delay; ARP never comes here (see the top of this file)."""
        self.counters['frames'] += 1
        if is_ip and self.lost(is_turn):
            self.counters['lost'] += 1
            return None
        ready = now
        if is_ip and self.rate_bps:
            start = max(now, self.busy_until)
            if start - now > self.queue:
                self.counters['queueDropped'] += 1
                return None
            self.busy_until = start + (len(frame) - ETHERNET_HEADER) * 8 / self.rate_bps
            ready = self.busy_until
        self.counters['bytes'] += len(frame)
        kind = 'turn' if is_turn else 'any'
        delay = self.delay + self.jitter['any'].at(now)
        if is_turn:
            delay += self.turn_delay + self.jitter['turn'].at(now)
        leaves = max(ready + max(delay, 0), self.last_departure[kind])
        self.last_departure[kind] = leaves
        return leaves


class TurnMatch:
    """Which packets take the path to the TURN server: those whose far end is its host on one of
    its ports (listening and relay ports), except the signaling server's port on the same host."""

    def __init__(self, spec):
        spec = spec or {}
        host = spec.get('host')
        self.host = bytes(int(part) for part in host.split('.')) if host else None
        self.ports = [tuple(pair) for pair in spec.get('ports', [])]
        self.except_ports = set(spec.get('exceptPorts', []))

    def matches(self, frame, remote_is_destination):
        if self.host is None or len(frame) < ETHERNET_HEADER + 20:
            return False
        header = ETHERNET_HEADER
        if frame[header + 9] not in (6, 17):
            return False
        address = frame[header + 16:header + 20] if remote_is_destination else frame[header + 12:header + 16]
        if address != self.host:
            return False
        transport = header + (frame[header] & 0x0F) * 4
        if len(frame) < transport + 4:
            return False
        offset = transport + 2 if remote_is_destination else transport
        port = (frame[offset] << 8) | frame[offset + 1]
        if port in self.except_ports:
            return False
        return any(low <= port <= high for low, high in self.ports)


def main():
    client_tap, network_tap = open_tap(sys.argv[1]), open_tap(sys.argv[2])
    up, down = Direction('up'), Direction('down')
    # Frames read from a device, with where they go and which way they travel.
    routes = {client_tap: (network_tap, up, True), network_tap: (client_tap, down, False)}
    turn_match = TurnMatch(None)
    pending = []
    order = 0
    stdin = sys.stdin.fileno()
    line_buffer = b''
    print('ready', flush=True)

    def answer(text):
        sys.stdout.write(text + '\n')
        sys.stdout.flush()

    while True:
        timeout = max(0.0, pending[0][0] - time.monotonic()) if pending else None
        readable, _, _ = select.select([client_tap, network_tap, stdin], [], [], timeout)
        now = time.monotonic()
        for fd in readable:
            if fd == stdin:
                chunk = os.read(stdin, 65536)
                if not chunk:
                    return
                line_buffer += chunk
                while b'\n' in line_buffer:
                    line, line_buffer = line_buffer.split(b'\n', 1)
                    try:
                        message = json.loads(line)
                        if message.get('stats'):
                            answer(json.dumps({'up': up.counters, 'down': down.counters}))
                            continue
                        turn_path = message.get('turnPath') or {}
                        up.configure(message.get('up') or {}, turn_path.get('up') or {})
                        down.configure(message.get('down') or {}, turn_path.get('down') or {})
                        turn_match = TurnMatch(message.get('turnMatch'))
                        answer('ok')
                    except (ValueError, TypeError, AttributeError) as error:
                        answer(f'error: {error}')
                continue
            target, direction, outbound = routes[fd]
            while True:
                try:
                    frame = os.read(fd, MAX_FRAME)
                except BlockingIOError:
                    break
                is_ip = len(frame) > ETHERNET_HEADER and frame[12:14] == ETHERTYPE_IPV4
                is_turn = is_ip and turn_match.matches(frame, outbound)
                is_arp = frame[12:14] == ETHERTYPE_ARP
                leaves = now if is_arp else direction.departure(frame, now, is_turn, is_ip)
                if leaves is not None:
                    order += 1
                    heapq.heappush(pending, (leaves, order, target, frame, direction))
        now = time.monotonic()
        while pending and pending[0][0] <= now:
            leaves, _, target, frame, direction = heapq.heappop(pending)
            direction.note_lateness(now - leaves)
            try:
                os.write(target, frame)
            except OSError:
                pass  # The device's queue is full or it is going down: the frame is lost.


if __name__ == '__main__':
    try:
        main()
    except KeyboardInterrupt:
        pass
