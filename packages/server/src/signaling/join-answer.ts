/**
 * The join answer as JSON, its ICE part encoded once per credential: every join a shared
 * credential serves gets the same ICE servers (the same list, read-only by the ICE source's
 * contract), so their JSON is made when the credential comes and reused until it is refreshed.
 */
import type { IceConfig, JoinAnswer } from '@icelane/protocol';
import { EncodedAck } from './encoded-ack.js';

export type JoinAnswerEncoder = (answer: JoinAnswer) => EncodedAck;

/** One server's encoder: it remembers the last ICE configuration it encoded. */
export function joinAnswerEncoder(): JoinAnswerEncoder {
  let last: { ice: IceConfig; json: string } | null = null;
  const iceJson = (ice: IceConfig): string => {
    if (last !== null && sameIce(last.ice, ice)) return last.json;
    last = { ice, json: JSON.stringify(protocolFields(ice)) };
    return last.json;
  };
  // Field by field, in the order `JSON.stringify` writes the answer: no object to encode.
  return (answer) => {
    const resume =
      answer.resumeToken === undefined
        ? ''
        : `,"resumeToken":${JSON.stringify(answer.resumeToken)}`;
    return new EncodedAck(
      `{"data":{"peerId":${JSON.stringify(answer.peerId)},"room":${JSON.stringify(answer.room)}` +
        `,"peers":${JSON.stringify(answer.peers)},"ice":${iceJson(answer.ice)}${resume}}}`,
    );
  };
}

/** Equal in every field the answer carries; the servers' list by identity (it is shared). */
function sameIce(a: IceConfig, b: IceConfig): boolean {
  return (
    a.iceServers === b.iceServers &&
    a.expiresAt === b.expiresAt &&
    a.turn === b.turn &&
    a.policy === b.policy &&
    a.stunProbe === b.stunProbe
  );
}

/** The fields of the protocol only, so what the memo compares is all that is encoded. */
function protocolFields(ice: IceConfig): IceConfig {
  const fields: IceConfig = {
    iceServers: ice.iceServers,
    expiresAt: ice.expiresAt,
    turn: ice.turn,
    policy: ice.policy,
  };
  if (ice.stunProbe !== undefined) fields.stunProbe = ice.stunProbe;
  return fields;
}
