/**
 * The copy of a message that ends a pass (end-of-pass, receipt, complete) sent on the packet
 * channel as well as the control channel: shared/protocol/channel-messages.ts says why. Only a
 * message that fits one packet is copied; a larger one (a receipt naming many scattered packets)
 * would be split over several IP packets and rarely arrive whole. Over several stripes it goes
 * on each of them, so that one association waiting out a retransmission timeout cannot hold it.
 */
import { MAX_PACKET_BYTES } from '../protocol/index.ts';
import type { PacketChannel } from './channel.ts';

export function sendCopy(packets: Pick<PacketChannel, 'send' | 'sendEverywhere'>, message: Uint8Array): void {
  if (message.length > MAX_PACKET_BYTES) return;
  if (packets.sendEverywhere) packets.sendEverywhere(message);
  else packets.send(message);
}
