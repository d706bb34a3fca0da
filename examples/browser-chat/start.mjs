// Runs the example: a dropsocket server with this folder's handlers and a tiny static
// server for the page. Needs `npm run build` first (it uses the built package, as a user
// of the npm package would).
//
//   node examples/browser-chat/start.mjs        then open http://localhost:8080
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SocketServer, generateAuthKey } from '../../dist/src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const socketPort = Number(process.env.SOCKET_PORT ?? 2667);
const pagePort = Number(process.env.PAGE_PORT ?? 8080);
// Keys made on the first run and kept in .keys.json (git-ignored), so open pages reconnect
// after a restart. The page key is served to the page (that is what a page key is for);
// the service key stays here.
const keysFile = join(here, '.keys.json');
if (!existsSync(keysFile)) writeFileSync(keysFile, JSON.stringify({ authKey: generateAuthKey(), browserKey: generateAuthKey() }), { mode: 0o600 });
const { authKey, browserKey } = JSON.parse(readFileSync(keysFile, 'utf8'));
const server = new SocketServer({ port: socketPort, handlerDir: join(here, 'socket-handlers'), authKey, browserKey });
await server.init();

const files = {
  '/': join(here, 'index.html'),
  '/app.js': join(here, 'app.js'),
  '/dropsocket.js': join(here, '..', '..', 'dist', 'browser', 'dropsocket.js'),
};
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };
const page = createServer(async (request, response) => {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (path === '/config.json') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ address: `ws://${server.config.host}:${server.port}`, key: browserKey, encryption: server.config.encryption }));
    return;
  }
  const file = files[path === '/index.html' ? '/' : path];
  if (file === undefined) return void response.writeHead(404).end();
  response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
  response.end(await readFile(file));
});
page.listen(pagePort, 'localhost', () => console.log(`chat page on http://localhost:${pagePort} (dropsocket on ws://localhost:${server.port}); Ctrl-C stops`));
process.once('SIGINT', () => {
  page.close();
  void server.close();
});
