/**
 * A real coturn (`turnserver`, Debian package `coturn`) for the browser tests, configured the way
 * the README tells people to run it with Pixeldrop: TURN REST credentials (`use-auth-secret` with
 * the `static-auth-secret` the signaling server signs with), UDP only, no TLS, no admin CLI.
 * It also answers STUN, which gives browsers server-reflexive candidates when it is listed as a
 * STUN server.
 *
 * coturn refuses some peers by default (loopback; multicast when told). The relay addresses here
 * are documentation addresses on the test's own bridge, which it allows.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const READY_TIMEOUT_MS = 10_000;
/** Relay ports: a small range of its own, inside the test's private network namespace. */
const RELAY_PORTS = { min: 40_000, max: 40_999 };

export interface TurnServer {
  /** `turn:<address>:<port>?transport=udp`, for the signaling server's TURN_URLS. */
  turnUrl: string;
  /** `stun:<address>:<port>`: the same server answering STUN. */
  stunUrl: string;
  /** The signaling server's TURN_SECRET. */
  secret: string;
  /** Everything coturn has logged so far. */
  log(): string;
  close(): Promise<void>;
}

/** Why coturn cannot run here, or undefined when it can. */
export function turnServerUnavailable(): string | undefined {
  if (spawnSync('sh', ['-c', 'command -v turnserver'], { stdio: 'ignore' }).status !== 0) {
    return 'turnserver is not installed (apt-get install coturn)';
  }
  return undefined;
}

/** A UDP port nobody uses on `address` right now. */
async function freeUdpPort(address: string): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, address, resolve);
  });
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}

/**
 * One STUN Binding request (RFC 8489 §5: type 0x0001, length 0, magic cookie, 96-bit transaction
 * id); true once a Binding success response (0x0101) with the same transaction id comes back.
 */
async function answersStun(address: string, port: number, timeoutMs: number): Promise<boolean> {
  const socket = createSocket('udp4');
  const transaction = randomBytes(12);
  const request = Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]), transaction]);
  try {
    return await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      socket.on('message', (message) => {
        if (message.readUInt16BE(0) === 0x0101 && message.subarray(8, 20).equals(transaction)) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      socket.on('error', () => {
        clearTimeout(timer);
        resolve(false);
      });
      socket.send(request, port, address);
    });
  } finally {
    socket.close();
  }
}

/** Starts coturn listening and relaying on `address`; resolves once it answers STUN. */
export async function startTurnServer(address: string): Promise<TurnServer> {
  const reason = turnServerUnavailable();
  if (reason) throw new Error(`cannot start the TURN server: ${reason}`);
  const dir = mkdtempSync(join(tmpdir(), 'pixeldrop-turn-'));
  const port = await freeUdpPort(address);
  const secret = randomBytes(24).toString('base64url');
  let output = '';
  const turn: ChildProcess = spawn(
    'turnserver',
    [
      '-n', // no configuration file: only these options
      '--log-file=stdout',
      '--simple-log',
      '--verbose', // logs each allocation with its user, which the tests look for
      '--no-cli',
      '--no-tls',
      '--no-dtls',
      '--no-tcp-relay',
      `--listening-ip=${address}`,
      `--relay-ip=${address}`,
      `--listening-port=${port}`,
      `--min-port=${RELAY_PORTS.min}`,
      `--max-port=${RELAY_PORTS.max}`,
      '--realm=pixeldrop.test',
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      '--fingerprint',
      // Its own pid file and (empty) user database instead of the system's /var paths.
      `--pidfile=${join(dir, 'turnserver.pid')}`,
      `--userdb=${join(dir, 'turndb')}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  turn.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  turn.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => turn.once('exit', () => resolve()));
  const close = async () => {
    if (turn.exitCode === null) {
      turn.kill();
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await answersStun(address, port, 200))) {
    if (turn.exitCode !== null || Date.now() > deadline) {
      await close();
      throw new Error(`turnserver did not answer STUN on ${address}:${port} within ${READY_TIMEOUT_MS} ms:\n${output.slice(-2000)}`);
    }
  }
  return {
    turnUrl: `turn:${address}:${port}?transport=udp`,
    stunUrl: `stun:${address}:${port}`,
    secret,
    log: () => output,
    close,
  };
}
