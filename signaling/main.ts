import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';

const port = Number(process.env.PORT ?? 3000);
const serveApp = sirv(fileURLToPath(new URL('../web/dist', import.meta.url)), { single: true });

createServer((req, res) => serveApp(req, res)).listen(port, () => {
  console.log(JSON.stringify({ msg: 'listening', url: `http://localhost:${port}` }));
});
