/**
 * Injected before the app into the page that plays a hostile peer (never part of the app): it
 * keeps every RTCDataChannel the page creates, so the test can send raw bytes on the app's own
 * channels, past its transfer engine. The page that joins a room initiates the connection, so
 * all its channels come from createDataChannel (simple-peer's packet channel included).
 */

const channels: RTCDataChannel[] = [];
const originalCreate = RTCPeerConnection.prototype.createDataChannel;
RTCPeerConnection.prototype.createDataChannel = function (this: RTCPeerConnection, label: string, init?: RTCDataChannelInit) {
  const channel = originalCreate.call(this, label, init);
  channels.push(channel);
  return channel;
};

/** 'control' and 'verification' by label; 'packets' is simple-peer's channel, whatever it is named. */
export type ChannelRole = 'control' | 'packets' | 'verification';

function channel(role: ChannelRole): RTCDataChannel {
  const open = channels.filter((c) => c.readyState === 'open');
  const found =
    role === 'packets' ? open.find((c) => c.label !== 'control' && c.label !== 'verification') : open.find((c) => c.label === role);
  if (!found) throw new Error(`no open ${role} channel among ${channels.map((c) => `${c.label}:${c.readyState}`).join(', ')}`);
  return found;
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Waits while more than this is queued, so a flood never overruns the browser's send queue. */
const HIGH_WATER = 1024 * 1024;

async function drain(target: RTCDataChannel): Promise<void> {
  while (target.bufferedAmount > HIGH_WATER) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** Sends each base64 message `repeat` times, in order; returns how many went out. */
export async function sendBinary(role: ChannelRole, messages: string[], repeat = 1): Promise<number> {
  const target = channel(role);
  const decoded = messages.map(fromBase64);
  let sent = 0;
  for (let r = 0; r < repeat; r++) {
    for (const bytes of decoded) {
      target.send(bytes);
      sent++;
      if (sent % 256 === 0) await drain(target);
    }
  }
  await drain(target);
  return sent;
}

/** Sends `text` as a text message `count` times. */
export function sendText(role: ChannelRole, text: string, count: number): number {
  const target = channel(role);
  for (let i = 0; i < count; i++) target.send(text);
  return count;
}
