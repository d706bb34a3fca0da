/** A tiny static HTTP server on 127.0.0.1:0 for browser tests: fixed paths to bodies or files. */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname } from 'node:path';
import { within } from './wait-for.js';

/** What a path serves: a file on disk, or a body made when asked. */
export type Route = { file: string } | { body: () => string | Promise<string>; type: string };

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.json': 'application/json', '.map': 'application/json' };

/** Serves `routes` (by exact path); everything else is 404. */
export class StaticServer {
  readonly #server: Server;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(routes: Record<string, Route>): Promise<StaticServer> {
    const server = createServer((request, response) => {
      const route = routes[new URL(request.url ?? '/', 'http://127.0.0.1').pathname];
      if (route === undefined) return void response.writeHead(404).end();
      const body = 'file' in route ? readFile(route.file) : Promise.resolve(route.body());
      const type = 'file' in route ? (TYPES[extname(route.file)] ?? 'application/octet-stream') : route.type;
      body.then(
        (content) => response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(content),
        () => response.writeHead(500).end(),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new StaticServer(server);
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await within(new Promise((resolve) => this.#server.close(resolve)), 3000, 'static server close');
  }
}
