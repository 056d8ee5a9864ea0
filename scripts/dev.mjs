// `npm run dev`: the signaling server (restarted by tsx when its code changes) on PORT
// (default 3000) and Vite with hot reload on VITE_PORT (default 5173), which forwards
// /socket.io to the signaling server (vite.config.ts). Ctrl+C stops both.
import { spawn } from 'node:child_process';

const port = process.env.PORT ?? '3000';
const vitePort = process.env.VITE_PORT ?? '5173';
const env = { ...process.env, PORT: port };

const children = [
  spawn('npx', ['tsx', 'watch', '--clear-screen=false', 'signaling/main.ts'], { stdio: 'inherit', env }),
  spawn('npx', ['vite', '--port', vitePort, '--strictPort'], { stdio: 'inherit', env }),
];

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  process.exitCode = code;
}

for (const child of children) child.on('exit', (code) => stop(code ?? 0));
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
