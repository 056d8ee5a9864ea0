import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

const repoRoot = fileURLToPath(new URL('.', import.meta.url));
const signalingPort = Number(process.env.PORT ?? 3000);

export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  // The Svelte config lives at the repository root, not in the Vite root (web/).
  plugins: [svelte({ configFile: fileURLToPath(new URL('./svelte.config.js', import.meta.url)) })],
  // Svelte component tests need the browser build of svelte (mount() is server-only otherwise).
  resolve: process.env.VITEST ? { conditions: ['browser'] } : {},
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  server: {
    // `npm run dev`: the signaling server runs beside Vite, which forwards socket.io to it.
    proxy: { '/socket.io': { target: `http://127.0.0.1:${signalingPort}`, ws: true } },
  },
  test: {
    root: repoRoot,
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 20_000,
  },
});
