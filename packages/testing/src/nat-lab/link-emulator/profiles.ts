/**
 * Named links, each with the published measurements its figures come from. Figures are one-way,
 * per direction, on the client's access link (`up` from the client); `rttMs` is the round trip
 * the profile adds between the client and a server beside its router. Where a source gives a
 * round trip, each direction gets half. What no source here gives (jitter on most profiles, the
 * Wi-Fi burst parameters) is marked as the lab's choice. e2e/nat-lab/README.md, "Link profiles",
 * lists the same sources.
 */
import { perfectLink, type LinkConfig } from './link-config.js';

export interface LinkProfile {
  link: LinkConfig;
  /** The round trip the profile adds to a path to the public segment (up + down delay). */
  rttMs: number;
  /** What it stands for, in a few words. */
  summary: string;
}

const noTurnPath = { up: {}, down: {} };

/** Good LTE's link (see `lte-good` below), which two other profiles start from. */
const goodLte: LinkConfig = {
  up: { delayMs: 27, jitterMs: 4, rateKbps: 5000, queueMs: 100 },
  down: { delayMs: 27, jitterMs: 4, rateKbps: 12000, queueMs: 100 },
  turnPath: noTurnPath,
};

export const linkProfiles = {
  perfect: { link: perfectLink, rttMs: 0, summary: 'no delay, loss or limit (the lab before)' },

  // Verizon LTE in Los Angeles, Speedtest (Ookla) 2011, 5 runs at each of 4 places: ping 50-60 ms,
  // upload 4.6-6.7 Mbit/s, download 6.2-14.8 Mbit/s (rpad.tv/2011/12/21/t-mobile-hspa-42-vs-
  // verizon-lte). Verizon's own figure: LTE user-plane latency about half of 3G's (quoted in
  // FierceWireless with OpenSignal, "3G/4G wireless network latency", 2013-14). Jitter 4 ms a way:
  // the lab's choice (R&S's TWAMP series, "Interactivity test" parts 4 and 6, shows LTE latency
  // varying packet to packet, without a single figure to take).
  'lte-good': {
    link: goodLte,
    rttMs: 54,
    summary: 'good LTE: 54 ms round trip, 5 Mbit/s up, 12 down',
  },

  // The same LTE with its uplink congested: cellular networks are over-buffered, and a full
  // uplink queue makes round trips "in the order of seconds" (Jiang et al., "Understanding
  // bufferbloat in cellular networks", ACM CellNet 2012, measured on the four major US carriers;
  // Alfredsson et al., "Impact of TCP congestion control on bufferbloat in cellular networks",
  // 3G/3.5G/4G). The uplink here is 1.5 Mbit/s behind a 1 s queue (the lab's choice within that
  // order): a video call sending more fills it, and every packet then waits up to 1 s.
  'lte-congested-uplink': {
    link: {
      ...goodLte,
      up: { ...goodLte.up, rateKbps: 1500, queueMs: 1000 },
    },
    rttMs: 54,
    summary: 'LTE, uplink congested: 1.5 Mbit/s up behind a 1 s queue',
  },

  // T-Mobile HSPA+ in Los Angeles, Speedtest 2011 (same source as lte-good): ping 166-460 ms,
  // upload 0.79-1.47 Mbit/s, download 5.6-8.9 Mbit/s. Taken: 200 ms round trip (near the better
  // end; past ~375 ms one way the SDK's deadlines fail today, issue 25), 1 Mbit/s up, 6 down;
  // jitter 20 ms a way and 0.5 % random loss: the lab's choice (3G latency varies with radio
  // state: Laner, Svoboda, Rupp, "Latency analysis of 3G network components", EW 2012).
  '3g': {
    link: {
      up: { delayMs: 110, jitterMs: 20, loss: 0.005, rateKbps: 1000, queueMs: 300 },
      down: { delayMs: 90, jitterMs: 20, loss: 0.005, rateKbps: 6000, queueMs: 300 },
      turnPath: noTurnPath,
    },
    rttMs: 200,
    summary: '3G (HSPA+): 200 ms round trip, 1 Mbit/s up, 6 down, 0.5 % loss',
  },

  // Wi-Fi loses packets in bursts (Carvalho, Angeja, Navarro, "A new packet loss model of the
  // IEEE 802.11g wireless network for multimedia communications", IEEE Trans. Consumer
  // Electronics 2005: losses come in bursts separated by error-free gaps, modelled with
  // Gilbert-Elliott and better; Cardoso, de Rezende, IEEE Comm. Letters 2009, indoor 802.11).
  // The parameters are the lab's choice in that shape: bad 6 % of the time (enterBad 0.02),
  // bursts of ~3 packets (leaveBad 0.3) losing 80 % there, about 5 % in all; 5 ms ± 3 a way.
  'wifi-lossy': {
    link: {
      up: { delayMs: 5, jitterMs: 3, burst: { enterBad: 0.02, leaveBad: 0.3, lossInBad: 0.8 } },
      down: { delayMs: 5, jitterMs: 3, burst: { enterBad: 0.02, leaveBad: 0.3, lossInBad: 0.8 } },
      turnPath: noTurnPath,
    },
    rttMs: 10,
    summary: 'lossy Wi-Fi: ~5 % loss in bursts of ~3, 10 ms round trip',
  },

  // A TURN server in a far region, over good LTE: AWS inter-region averages, US East (N.
  // Virginia) to Asia Pacific (Tokyo) 145.3 ms (the "Latency between AWS global regions" table,
  // reproduced at acomputerscientistlearnsaws.blogspot.com/2017/04/aws-regions.html): 73 ms more
  // each way for every packet to or from the TURN server, the signaling server staying near.
  'turn-far-region': {
    link: { ...goodLte, turnPath: { up: { delayMs: 73 }, down: { delayMs: 73 } } },
    rttMs: 54,
    summary: 'good LTE, TURN 145 ms farther (US East to Tokyo)',
  },

  // Geostationary satellite: ~36,000 km up, "typical round trip times of ~600 ms" (FAU, cs7.tf.fau.de
  // 2024); propagation alone 500-540 ms (probsee.com, "Satellite delay"). A 100/10 Mbit/s GEO
  // subscription (the SatCom comparison in Michel et al., APNIC blog 2022-11-28, "Fact checking
  // Starlink's performance figures"). ITU-T G.114: 400 ms one way is the planning limit.
  'satellite-geo': {
    link: {
      up: { delayMs: 300, jitterMs: 10, rateKbps: 10000, queueMs: 200 },
      down: { delayMs: 300, jitterMs: 10, rateKbps: 100000, queueMs: 200 },
      turnPath: noTurnPath,
    },
    rttMs: 600,
    summary: 'GEO satellite: 600 ms round trip',
  },

  // Not a measured network: the stress for false alarms (issue 25, "10 % random loss"),
  // good LTE's link losing one packet in ten at random in each direction, so that request and
  // answer both get through only four times in five. For holds that count false alarms.
  'lte-loss-10': {
    link: {
      ...goodLte,
      up: { ...goodLte.up, loss: 0.1 },
      down: { ...goodLte.down, loss: 0.1 },
    },
    rttMs: 54,
    summary: 'good LTE losing 10 % at random each way (a stress, not a network)',
  },

  // Low-orbit satellite (Starlink, Belgium, early 2022): RTT to European RIPE Atlas anchors
  // around 50 ms median, 40 ms at the 25th percentile and 60 ms at the 75th (Michel et al.,
  // APNIC blog, above): 25 ms a way, an interquartile range of 20 ms on the round trip is a
  // deviation of ~15 ms, ~10 ms a way. Throughput over 100 Mbit/s: no limit here.
  'satellite-leo': {
    link: {
      up: { delayMs: 25, jitterMs: 10 },
      down: { delayMs: 25, jitterMs: 10 },
      turnPath: noTurnPath,
    },
    rttMs: 50,
    summary: 'LEO satellite (Starlink): 50 ms round trip, ±10 ms a way',
  },
} satisfies Record<string, LinkProfile>;

export type LinkProfileName = keyof typeof linkProfiles;

export const linkProfileNames = Object.keys(linkProfiles) as LinkProfileName[];
