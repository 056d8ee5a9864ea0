/**
 * Pixeldrop transfer engine: the one public surface of shared/transfer.
 *
 * A browser wires one {@link TransferSession} per peer connection to two data channels:
 *
 * ```ts
 * // Reliable, ordered: manifests and control messages. Unreliable, unordered: data packets.
 * const control = pc.createDataChannel('control', { negotiated: true, id: 1 });
 * const data = pc.createDataChannel('data', { negotiated: true, id: 2, ordered: false, maxRetransmits: 0 });
 * control.binaryType = data.binaryType = 'arraybuffer';
 *
 * const packets: PacketChannel = {
 *   send: (bytes) => data.send(bytes),
 *   get bufferedAmount() { return data.bufferedAmount; },
 *   onceBufferedAmountLow(threshold, callback) {
 *     // The event only fires on the way down: call back at once if already there.
 *     if (data.bufferedAmount <= threshold) return void setTimeout(callback, 0);
 *     data.bufferedAmountLowThreshold = threshold;
 *     data.addEventListener('bufferedamountlow', () => callback(), { once: true });
 *   },
 * };
 * const session = new TransferSession({
 *   control: { send: (bytes) => control.send(bytes) },
 *   packets,
 *   now: () => performance.now(),
 *   schedule: (callback, ms) => { const id = setTimeout(callback, ms); return () => clearTimeout(id); },
 *   onIncoming: (receiver) => ui.show(receiver),      // a manifest arrived: a Receiver exists
 * });
 * control.onmessage = (e) => session.receiveControl(new Uint8Array(e.data));
 * data.onmessage = (e) => session.receivePacket(new Uint8Array(e.data));
 * pc.onconnectionstatechange = () => { if (pc.connectionState === 'closed' || pc.connectionState === 'failed') session.close(); };
 *
 * // Sending: a NativeImage from the BMP reader. The sender checksums it a slice per turn
 * // ('preparing'), then sends the manifest and the packets ('sending', 'waiting' between passes).
 * const sender = session.send(image, { fileName: 'photo.bmp', scanOrder: 'scattered', repairRounds: 3,
 *   loss: { kind: 'bernoulli', p: 0.1, seed: 42 }, onStateChange: (s) => ui.update(s) });
 * sender.stats; sender.timeSeries(); sender.cancel();
 *
 * // Receiving: the receiver accounts and answers the sender; its picture is what a screen shows.
 * receiver.stats; receiver.timeSeries(); receiver.state;      // 'receiving' | 'complete' | 'incomplete' | 'interrupted'
 * const picture = receiver.picture!;                          // null only with receiver option rgba: false
 * // The picture calls back when changes start waiting (not per packet). Once per animation frame,
 * // repaint only what changed, straight from picture.rgba, at most ~a megapixel per frame (the
 * // rest comes next frame; picture.hasDirtyRects says so).
 * picture.onChange(() => requestAnimationFrame(paint));
 * function paint() {
 *   for (const r of picture.takeDirtyRects(1 << 20)) ctx.putImageData(new ImageData(picture.rgba, w, h), 0, 0, r.x, r.y, r.width, r.height);
 *   if (picture.hasDirtyRects) requestAnimationFrame(paint);
 * }
 * // Concealed view: a separate copy, when the user turns it on or the transfer ends.
 * ctx.putImageData(new ImageData(picture.displayRgba(true), w, h), 0, 0);
 * ```
 *
 * `picture.rgba` is updated in place as packets land (missing pixels transparent black).
 * `displayRgba(true)` copies it and fills the holes from their neighbours; its cost grows with
 * the image (a quarter of a second on 24 megapixels at 10 % loss, bench/transfer-responsiveness),
 * so call it on a toggle, a timer or the final state, not on every frame. The session lets a
 * transfer go once it has ended: keep the Receiver as long as you show its image.
 * With simple-peer, which has a single data channel, use that channel for data (channelConfig
 * `{ ordered: false, maxRetransmits: 0 }`) and add the reliable control channel with
 * `negotiated: true` and the same id on both sides: simple-peer's answering side replaces its
 * own channel on every `datachannel` event, so a second channel must not raise one. Control
 * messages must travel reliably: the engine never resends them.
 *
 * Tests and benchmarks drive whole transfers with the in-memory channels and virtual clock of
 * test/doubles; they are not part of the product.
 */
export type { Clock, ControlChannel, PacketChannel, Scheduler } from './channel.ts';
export { MAX_EARLY_PACKETS, TransferSession, type SendOptions, type SessionStats, type TransferSessionOptions } from './session.ts';
export {
  DEFAULT_HIGH_WATER_MARK,
  DEFAULT_LOW_WATER_MARK,
  DEFAULT_PACKETS_PER_TURN,
  DEFAULT_WINDOW_BYTES,
  END_OF_PASS_DRAIN_MS,
  Sender,
  WINDOW_TIMEOUT_MS,
  type SenderOptions,
  type SenderSample,
  type SenderState,
  type SenderStats,
} from './sender.ts';
export {
  DEFAULT_SETTLE_MS,
  Receiver,
  type ReceiverOptions,
  type ReceiverSample,
  type ReceiverState,
  type ReceiverStats,
} from './receiver.ts';
export { Pacer, type PacerDecision, type PacerOptions, type PathEstimate } from './pacer.ts';
export { MAX_STRIPES, MIN_STRIPE_RTT_MS, TARGET_BYTES_PER_SECOND, chooseStripes, renoCeiling, type StripeControl, type StripeInputs } from './stripes.ts';
export { createLossModel, meanLossRate, type LossModel, type LossSpec } from './loss-model.ts';
export { TURN_BUDGET_MS, crc32InTurns } from './chunked-crc.ts';
export { TIME_SERIES_INTERVAL_MS, type Sample } from './time-series.ts';
