import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loggedPublisher } from '../../signaling/logged-publisher.ts';

/** A logger whose JSON lines land in `lines`. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, sink), lines };
}

describe('loggedPublisher', () => {
  it('turns a failed publish into a log line instead of a rejection, and passes everything else through', async () => {
    const { logger, lines } = capturingLogger();
    const client = {
      isReady: true,
      publish: (_channel: string, _message: string) => Promise.reject(new Error('The client is closed')),
      sendCommand(args: string[]) {
        return Promise.resolve(`${this.isReady}:${args.join(' ')}`);
      },
    };
    const publisher = loggedPublisher(client, logger);

    await expect(publisher.publish('room', 'peer:left')).resolves.toBe(0);
    await expect(publisher.sendCommand(['PUBSUB', 'NUMSUB'])).resolves.toBe('true:PUBSUB NUMSUB');
    expect(publisher.isReady).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'a broadcast could not be published to Redis', err: { message: 'The client is closed' } });
  });

  it('leaves a successful publish as it is', async () => {
    const { logger, lines } = capturingLogger();
    const publisher = loggedPublisher({ publish: () => Promise.resolve(2) }, logger);
    await expect(publisher.publish()).resolves.toBe(2);
    expect(lines).toHaveLength(0);
  });
});
