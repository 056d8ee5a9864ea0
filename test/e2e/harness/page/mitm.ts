/**
 * Runs in the man-in-the-middle's page (never part of the app): two RTCPeerConnections, one
 * facing each person, each with the app's channels (simple-peer's packet channel, control as
 * negotiated id 100, verification as negotiated id 101), relaying every message unchanged from
 * one person's channel to the other's. The test feeds it the signals the server intercepted and
 * sends what it answers (`mitmSignalOut`) to each person as if from the other.
 */

/** 'offerer': the person who sent the offer (the room's newcomer); 'answerer': the other. */
export type Side = 'offerer' | 'answerer';
type Role = 'packets' | 'control' | 'verification';

interface SignalData {
  type: string;
  sdp?: string;
  candidate?: { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null };
}

declare global {
  interface Window {
    mitmSignalOut(side: Side, data: SignalData): Promise<void>;
  }
}

const NEGOTIATED: Record<'control' | 'verification', RTCDataChannelInit> = {
  control: { ordered: true, negotiated: true, id: 100 },
  verification: { ordered: true, negotiated: true, id: 101 },
};
/** A relay is a test tool: what comes before the far channel opens waits, up to this many. */
const PENDING_LIMIT = 10_000;

const pcs = new Map<Side, RTCPeerConnection>();
const channels = new Map<string, RTCDataChannel>();
const pending = new Map<string, (ArrayBuffer | string)[]>();
const earlyCandidates = new Map<Side, RTCIceCandidateInit[]>();
export const relayed = { offerer: 0, answerer: 0 };

const other = (side: Side): Side => (side === 'offerer' ? 'answerer' : 'offerer');

function attach(side: Side, role: Role, channel: RTCDataChannel): void {
  channel.binaryType = 'arraybuffer';
  channels.set(`${side}/${role}`, channel);
  channel.onmessage = (event: MessageEvent<ArrayBuffer | string>) => {
    relayed[side]++;
    const key = `${other(side)}/${role}`;
    const far = channels.get(key);
    if (far?.readyState === 'open') far.send(event.data as ArrayBuffer);
    else {
      const queue = pending.get(key) ?? [];
      if (queue.length < PENDING_LIMIT) queue.push(event.data);
      pending.set(key, queue);
    }
  };
  channel.onopen = () => {
    for (const data of pending.get(`${side}/${role}`) ?? []) channel.send(data as ArrayBuffer);
    pending.delete(`${side}/${role}`);
  };
}

function connection(side: Side): RTCPeerConnection {
  const existing = pcs.get(side);
  if (existing) return existing;
  const pc = new RTCPeerConnection({ iceServers: [] });
  pcs.set(side, pc);
  for (const role of ['control', 'verification'] as const) attach(side, role, pc.createDataChannel(role, NEGOTIATED[role]));
  pc.onicecandidate = (event) => {
    if (!event.candidate) return;
    const { candidate, sdpMid, sdpMLineIndex } = event.candidate;
    void window.mitmSignalOut(side, { type: 'candidate', candidate: { candidate, sdpMid, sdpMLineIndex } });
  };
  if (side === 'offerer') pc.ondatachannel = (event) => attach(side, 'packets', event.channel);
  return pc;
}

async function addCandidates(side: Side): Promise<void> {
  const pc = connection(side);
  for (const candidate of earlyCandidates.get(side) ?? []) await pc.addIceCandidate(candidate);
  earlyCandidates.delete(side);
}

/** A signal one person sent to the other, intercepted on the server. */
export async function signal(from: Side, data: SignalData): Promise<void> {
  const pc = connection(from);
  if (data.type === 'candidate' && data.candidate) {
    if (pc.remoteDescription) await pc.addIceCandidate(data.candidate);
    else earlyCandidates.set(from, [...(earlyCandidates.get(from) ?? []), data.candidate]);
    return;
  }
  if (data.type === 'offer' && from === 'offerer') {
    await pc.setRemoteDescription({ type: 'offer', sdp: data.sdp! });
    await addCandidates(from);
    await pc.setLocalDescription(await pc.createAnswer());
    await window.mitmSignalOut(from, { type: 'answer', sdp: pc.localDescription!.sdp });
    // Now play the newcomer towards the other person, with a packet channel of our own.
    const facing = connection('answerer');
    attach('answerer', 'packets', facing.createDataChannel('relay', { ordered: false, maxRetransmits: 0 }));
    await facing.setLocalDescription(await facing.createOffer());
    await window.mitmSignalOut('answerer', { type: 'offer', sdp: facing.localDescription!.sdp });
    return;
  }
  if (data.type === 'answer' && from === 'answerer') {
    await pc.setRemoteDescription({ type: 'answer', sdp: data.sdp! });
    await addCandidates(from);
  }
}

/** The DTLS fingerprints each of the middle's connections shows its person. */
export function fingerprints(): Record<Side, string> {
  const of = (side: Side) => /a=fingerprint:(.*)/.exec(pcs.get(side)?.localDescription?.sdp ?? '')?.[1] ?? '';
  return { offerer: of('offerer'), answerer: of('answerer') };
}
