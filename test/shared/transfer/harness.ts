/**
 * Runs whole transfers between two sessions over the in-memory link, in virtual time, and
 * returns both ends for the test to inspect.
 */
import type { NativeImage } from '../../../shared/pixels/pixel-format.ts';
import { MessageType } from '../../../shared/protocol/index.ts';
import { TransferSession, type Receiver, type SendOptions, type Sender, type TransferSessionOptions } from '../../../shared/transfer/index.ts';
import { createMemoryControlLink, createMemoryPacketLink, type MemoryLinkOptions, type MemoryPacketLink } from '../../doubles/memory-link.ts';
import { VirtualTime } from '../../doubles/virtual-time.ts';

export interface Pair {
  readonly time: VirtualTime;
  readonly alice: TransferSession;
  readonly bob: TransferSession;
  /** Alice → Bob packet link; its counters count data packets only. */
  readonly link: MemoryPacketLink;
  /** Bob → Alice packet link: the progress reports of Alice's transfers travel on it. */
  readonly backLink: MemoryPacketLink;
  /** Receivers Bob created, in order. */
  readonly received: Receiver[];
  /** Receivers Alice created, in order. */
  readonly receivedByAlice: Receiver[];
}

/**
 * `controlLatencyMs`: one-way delay of the control channels (the packet link's is in `link`).
 * `backLink`: the Bob → Alice packet link; by default with `link`'s delay, and lossless.
 * `aliceOptions`: added to the sending session's options (a stripe control, for instance).
 */
export function connectPair(
  link: Partial<Omit<MemoryLinkOptions, 'now' | 'schedule'>> = {},
  bobOptions: Partial<TransferSessionOptions> = {},
  controlLatencyMs = 1,
  backLink: Partial<Omit<MemoryLinkOptions, 'now' | 'schedule'>> = { latencyMs: link.latencyMs },
  aliceOptions: Partial<TransferSessionOptions> = {},
): Pair {
  const time = new VirtualTime();
  const { now, schedule } = time;
  const received: Receiver[] = [];
  const receivedByAlice: Receiver[] = [];
  let alice: TransferSession | undefined;
  let bob: TransferSession | undefined;
  const aToB = createMemoryPacketLink({ counts: isDataPacket, ...link, now, schedule }, (bytes) => bob!.receivePacket(bytes));
  const bToA = createMemoryPacketLink({ ...backLink, now, schedule }, (bytes) => alice!.receivePacket(bytes));
  alice = new TransferSession({
    control: createMemoryControlLink(schedule, (bytes) => bob!.receiveControl(bytes), controlLatencyMs),
    packets: aToB,
    now,
    schedule,
    onIncoming: (receiver) => receivedByAlice.push(receiver),
    ...aliceOptions,
  });
  bob = new TransferSession({
    control: createMemoryControlLink(schedule, (bytes) => alice!.receiveControl(bytes), controlLatencyMs),
    packets: bToA,
    now,
    schedule,
    onIncoming: (receiver) => received.push(receiver),
    ...bobOptions,
  });
  return { time, alice, bob, link: aToB, backLink: bToA, received, receivedByAlice };
}

/** The type byte of a data packet: the link also carries copies of end-of-pass messages. */
export function isDataPacket(bytes: Uint8Array): boolean {
  return bytes[1] === MessageType.DATA || bytes[1] === MessageType.CODED_DATA;
}

/** Sends one image from Alice to Bob and runs the clock until everything settles. */
export function transfer(
  image: NativeImage,
  options: Partial<SendOptions> = {},
  link: Partial<Omit<MemoryLinkOptions, 'now' | 'schedule'>> = {},
): { sender: Sender; receiver: Receiver; pair: Pair } {
  const pair = connectPair(link);
  const sender = pair.alice.send(image, { fileName: 'test.bmp', ...options });
  pair.time.run();
  const receiver = pair.received[0];
  if (!receiver) throw new Error('no manifest reached the receiver');
  return { sender, receiver, pair };
}
