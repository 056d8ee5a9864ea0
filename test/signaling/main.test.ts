import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { withTimeout } from './harness.ts';

const MAIN = fileURLToPath(new URL('../../signaling/main.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
let child: ChildProcess | undefined;
let staticDir: string | undefined;

afterEach(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  if (staticDir) rmSync(staticDir, { recursive: true, force: true });
  child = staticDir = undefined;
});

/** Starts main.ts with `env` and resolves with its log lines once it logs "listening". */
function startMain(env: Record<string, string>): Promise<{ port: number; logs: Record<string, unknown>[] }> {
  child = spawn(TSX, [MAIN], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Record<string, unknown>[] = [];
  return withTimeout(
    new Promise((resolve, reject) => {
      let buffered = '';
      let stderr = '';
      child?.stderr?.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
      child?.once('exit', (code) => reject(new Error(`main.ts exited with ${code}: ${JSON.stringify(logs)} ${stderr}`)));
      child?.stdout?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (entry.msg === 'listening') resolve({ port: Number(entry.port), logs });
        }
      });
    }),
    'main.ts to listen',
    15_000,
  );
}

describe('main.ts', () => {
  it('reads the environment, serves the app with SPA routes, health and metrics, and logs JSON', async () => {
    staticDir = mkdtempSync(join(tmpdir(), 'pixeldrop-main-'));
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>app</title>');
    const token = 'main-test-metrics-token';
    const { port, logs } = await startMain({ PORT: '0', HOST: '127.0.0.1', STATIC_DIR: staticDir, LOG_LEVEL: 'info', METRICS_TOKEN: token });

    const url = `http://127.0.0.1:${port}`;
    expect(await (await fetch(`${url}/r/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`)).text()).toContain('<title>app</title>');
    expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ ok: true });
    expect(await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text()).toContain('pixeldrop_connections 0');
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect(logs.map((entry) => entry.msg)).toContain('listening');
    expect(logs.every((entry) => entry.service === 'pixeldrop-signaling')).toBe(true);
  });

  it('refuses to start with an invalid environment, naming the variable', async () => {
    await expect(startMain({ PORT: '0', TURN_URLS: 'turn:turn.example.net' })).rejects.toThrow(/exited with 1.*TURN_SECRET/);
  });

  it('refuses to start with a blank PORT rather than listening on any free port', async () => {
    await expect(startMain({ PORT: '' })).rejects.toThrow(/exited with 1.*invalid configuration: PORT/);
  });

  it('refuses to start with a blank HOST rather than listening on every interface', async () => {
    await expect(startMain({ PORT: '0', HOST: ' ' })).rejects.toThrow(/exited with 1.*invalid configuration: HOST/);
  });

  it('refuses to start with an ALLOWED_ORIGINS entry that is not an origin', async () => {
    await expect(startMain({ PORT: '0', HOST: '127.0.0.1', ALLOWED_ORIGINS: 'app.example.net' })).rejects.toThrow(
      /exited with 1.*invalid configuration: ALLOWED_ORIGINS/,
    );
  });
});
