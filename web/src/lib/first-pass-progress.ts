/**
 * Live loss during a transfer's first pass, before the sender's end-of-pass says what it sent.
 * The first pass sends every sequence number in increasing order, so a receiver that has seen
 * sequence h has been sent h + 1 packets (give or take the few still in flight), and every one
 * of those that has not arrived is, for now, lost.
 */
import { ProtocolError, decodeDataPacket, isDataPacket } from '../../../shared/protocol/index.ts';

export class FirstPassProgress {
  readonly #highest = new Map<number, number>();

  observe(bytes: Uint8Array): void {
    if (!isDataPacket(bytes)) return;
    try {
      const { transferId, sequence } = decodeDataPacket(bytes);
      if (sequence > (this.#highest.get(transferId) ?? -1)) this.#highest.set(transferId, sequence);
    } catch (error) {
      // The transfer session counts malformed packets; here they simply tell us nothing.
      if (!(error instanceof ProtocolError)) throw error;
    }
  }

  /** Packets of the first pass sent so far, as far as this side can tell. */
  sentSoFar(transferId: number): number {
    return (this.#highest.get(transferId) ?? -1) + 1;
  }

  forget(transferId: number): void {
    this.#highest.delete(transferId);
  }
}
