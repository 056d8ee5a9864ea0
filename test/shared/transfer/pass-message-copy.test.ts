/** Where the copy of a pass message goes: every stripe when the channel can, else the one channel; never when too large. */
import { describe, expect, it, vi } from 'vitest';
import { MAX_PACKET_BYTES } from '../../../shared/protocol/index.ts';
import { sendCopy } from '../../../shared/transfer/pass-message-copy.ts';

describe('sendCopy', () => {
  it('sends on every stripe through sendEverywhere when the channel has it, and not also through send', () => {
    const channel = { send: vi.fn(), sendEverywhere: vi.fn() };
    const message = new Uint8Array(40);
    sendCopy(channel, message);
    expect(channel.sendEverywhere).toHaveBeenCalledWith(message);
    expect(channel.send).not.toHaveBeenCalled();
  });

  it('sends once on a channel of one connection', () => {
    const channel = { send: vi.fn() };
    const message = new Uint8Array(MAX_PACKET_BYTES);
    sendCopy(channel, message);
    expect(channel.send).toHaveBeenCalledExactlyOnceWith(message);
  });

  it('copies nothing larger than one packet', () => {
    const channel = { send: vi.fn(), sendEverywhere: vi.fn() };
    sendCopy(channel, new Uint8Array(MAX_PACKET_BYTES + 1));
    expect(channel.send).not.toHaveBeenCalled();
    expect(channel.sendEverywhere).not.toHaveBeenCalled();
  });
});
