/**
 * A TCP proxy on 127.0.0.1:0 in front of a server, to break a link the ways real networks
 * do: `freeze()` stops forwarding without closing anything (a half-open link: no FIN, no
 * RST, nothing arrives), `drop()` destroys the live sockets (an abrupt reset).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

/** A running proxy. */
export class TcpProxy {
  readonly #server: Server;
  readonly #pairs = new Set<[Socket, Socket]>();
  #targetPort: number;

  private constructor(server: Server, targetPort: number) {
    this.#server = server;
    this.#targetPort = targetPort;
  }

  /** Starts a proxy forwarding to `targetPort` on loopback. */
  static async start(targetPort: number): Promise<TcpProxy> {
    const server = createServer();
    const proxy = new TcpProxy(server, targetPort);
    server.on('connection', (downstream) => proxy.#pipe(downstream, proxy.#targetPort));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** The proxy's port: point clients here. */
  get port(): number {
    return (this.#server.address() as { port: number }).port;
  }

  /** New connections go to `targetPort` from now on (a load balancer sending a client to another node). */
  retarget(targetPort: number): void {
    this.#targetPort = targetPort;
  }

  /** Number of live proxied connections. */
  get size(): number {
    return this.#pairs.size;
  }

  #pipe(downstream: Socket, targetPort: number): void {
    const upstream = connect(targetPort, '127.0.0.1');
    const pair: [Socket, Socket] = [downstream, upstream];
    this.#pairs.add(pair);
    const end = (): void => {
      this.#pairs.delete(pair);
      downstream.destroy();
      upstream.destroy();
    };
    for (const socket of pair) socket.on('error', end).on('close', end);
    downstream.pipe(upstream);
    upstream.pipe(downstream);
  }

  /** Stops forwarding on every live connection, closing nothing: both ends see silence. */
  freeze(): void {
    for (const [downstream, upstream] of this.#pairs) {
      downstream.unpipe(upstream);
      upstream.unpipe(downstream);
      downstream.pause();
      upstream.pause();
    }
  }

  /** Destroys every live connection (new ones are still accepted). */
  drop(): void {
    for (const [downstream, upstream] of [...this.#pairs]) {
      downstream.destroy();
      upstream.destroy();
    }
    this.#pairs.clear();
  }

  /** Stops the proxy and destroys every connection. */
  async close(): Promise<void> {
    this.drop();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
