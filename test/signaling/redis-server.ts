/** A throwaway `redis-server` on a free port, for tests of several instances sharing rooms. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { withTimeout } from './harness.ts';

export interface RedisServer {
  url: string;
  stop(): Promise<void>;
  /** Starts a fresh (empty) redis-server on the same port after stop(). */
  restart(): Promise<void>;
}

const START_ATTEMPTS = 3;

export async function startRedisServer(): Promise<RedisServer> {
  let lastError: unknown;
  // A free port can be taken between probing and binding; try another one then.
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    const port = await freePort();
    let child = spawnRedis(port);
    try {
      await withTimeout(ready(child), 'redis-server to start', 10_000);
      return {
        url: `redis://127.0.0.1:${port}`,
        stop: () => stop(child),
        async restart() {
          child = spawnRedis(port);
          await withTimeout(ready(child), 'redis-server to restart', 10_000);
        },
      };
    } catch (error) {
      lastError = error;
      await stop(child);
    }
  }
  throw new Error('could not start redis-server (is it installed? `apt-get install redis-server`)', { cause: lastError });
}

function spawnRedis(port: number): ChildProcess {
  return spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output.slice(-500)}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
