/**
/**
 * The HTTP side of the server: listens, answers plain HTTP with the server's routes (health,
 * metrics) or 426, refuses upgrades with 503 when the server cannot take more, and hands
 * accepted WebSockets to the server.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type Server as WsServer } from 'ws';
import { ConnectionSocket } from './connection.js';
import type { Config } from '../config/resolve-config.js';
import { SocketError } from '../errors.js';

/** What the endpoint needs from the server. */
export interface UpgradeEndpointOptions {
  host: string;
  port: number;
  /** PEM certificate and key: serve `wss://` (HTTPS) instead of `ws://`. */
  tls?: { cert: Buffer; key: Buffer } | undefined;
  /** Largest frame ws accepts (close 1009 beyond it). */
  maxFrameBytes: number;
  /** Whether one more connection may be accepted now. */
  canAccept(): boolean;
  /** Takes an upgraded connection. */
  accept(ws: ConnectionSocket, request: IncomingMessage): void;
  /** Answers a plain HTTP request the server has a route for; false leaves it to the 426. */
  respond?(request: IncomingMessage, response: ServerResponse): boolean;
}

/** A listening HTTP server that upgrades to WebSocket. */
export class UpgradeEndpoint {
  readonly #http: Server;
  readonly #wss: WsServer<typeof ConnectionSocket>;
  readonly #options: UpgradeEndpointOptions;
  #port = 0;

  private constructor(options: UpgradeEndpointOptions) {
    this.#options = options;
    this.#wss = new WebSocketServer({
      WebSocket: ConnectionSocket,
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      // Channels check UTF-8 themselves, so a bad frame closes with our code (4004).
      skipUTF8Validation: true,
      maxPayload: options.maxFrameBytes,
    });
    const answer: RequestListener = (request, response) => {
      if (options.respond?.(request, response) === true) return;
      response.writeHead(426, { 'content-type': 'text/plain' }).end('This is a WebSocket endpoint.\n');
    };
    this.#http = options.tls === undefined ? createServer(answer) : createTlsServer(options.tls, answer);
    this.#http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.#upgrade(request, socket, head));
  }

  /** Starts listening. @throws SocketError `LISTEN_FAILED`, or `CONFIG_INVALID` for a certificate or key TLS refuses. */
  static async listen(options: UpgradeEndpointOptions): Promise<UpgradeEndpoint> {
    let endpoint: UpgradeEndpoint;
    try {
      endpoint = new UpgradeEndpoint(options);
    } catch (cause) {
      // https.createServer parses the PEM at once; its message names no key material.
      throw new SocketError('CONFIG_INVALID', `SOCKET_TLS_CERT / SOCKET_TLS_KEY are not a usable certificate and key (${(cause as { code?: string }).code ?? 'invalid'})`, { cause });
    }
    await listen(endpoint.#http, options.port, options.host);
    endpoint.#port = (endpoint.#http.address() as AddressInfo).port;
    return endpoint;
  }

  /** The bound port (still known after close, for logs and reconnecting clients). */
  get port(): number {
    return this.#port;
  }

  /** Stops listening; resolves once every HTTP connection has ended. */
  close(): Promise<void> {
    return new Promise((resolve) => this.#http.close(() => resolve()));
  }

  /** Ends keep-alive HTTP connections that would hold close() open. */
  closeIdleConnections(): void {
    this.#http.closeAllConnections();
  }

  #upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (!this.#options.canAccept()) {
      // Refused before the upgrade: a full server spends no WebSocket state on the peer.
      socket.on('error', destroySocket);
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.#wss.handleUpgrade(request, socket, head, (ws) => this.#options.accept(ws, request));
  }
}

// A module-level function, not a closure: a closure in #upgrade would share its scope and
// keep each connection's IncomingMessage (and its headers) alive for the socket's life.
function destroySocket(this: Duplex): void {
  this.destroy();
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (cause: NodeJS.ErrnoException): void => {
      reject(new SocketError('LISTEN_FAILED', `Cannot listen on ${host}:${port} (${cause.code ?? cause.message})`, { cause }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** The PEM files of `tlsCert` / `tlsKey`, or undefined without TLS. @throws SocketError `CONFIG_INVALID` */
export function readTlsFiles(config: Config): { cert: Buffer; key: Buffer } | undefined {
  if (config.tlsCert === null || config.tlsKey === null) return undefined;
  const read = (path: string, variable: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (cause) {
      throw new SocketError('CONFIG_INVALID', `${variable}: cannot read ${path} (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, { cause });
    }
  };
  return { cert: read(config.tlsCert, 'SOCKET_TLS_CERT'), key: read(config.tlsKey, 'SOCKET_TLS_KEY') };
}
