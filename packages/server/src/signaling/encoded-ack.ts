/**
 * Acknowledgements whose JSON is written before they are sent. socket.io's encoder walks every
 * answer for binary data and turns it into JSON; a join's answer is about 600 bytes, most of them
 * the ICE servers of the shared credential, the same for every join until the credential is
 * refreshed. An {@link EncodedAck} carries its text made already (join-answer.ts reuses the ICE
 * part's), and the server's encoder writes it as it is: the same packet on the wire, `3<id>[…]`,
 * as socket.io-parser's own encoder writes for an answer without binary data; and for the
 * `room:joined` event that answers a join sent in the handshake, `2["room:joined",…]`.
 */
import { Decoder, Encoder, PacketType, type Packet } from 'socket.io-parser';

/** The one argument of an acknowledgement, as JSON text. */
export class EncodedAck {
  constructor(readonly json: string) {}
}

class IcelaneEncoder extends Encoder {
  override encode(packet: Packet): unknown[] {
    const data = packet.data as unknown[] | undefined;
    const nsp = packet.nsp && packet.nsp !== '/' ? `${packet.nsp},` : '';
    if (packet.type === PacketType.ACK && data?.length === 1 && data[0] instanceof EncodedAck) {
      return [`${PacketType.ACK}${nsp}${packet.id}[${data[0].json}]`];
    }
    // The answer to a join sent in the handshake, `room:joined` (auth-join.ts): an event, no id.
    if (packet.type === PacketType.EVENT && data?.length === 2 && data[1] instanceof EncodedAck) {
      return [`${PacketType.EVENT}${nsp}[${JSON.stringify(data[0])},${data[1].json}]`];
    }
    return super.encode(packet);
  }
}

/** socket.io's `parser` option: its own decoder, and an encoder that knows {@link EncodedAck}. */
export const icelaneParser = { Encoder: IcelaneEncoder, Decoder };
