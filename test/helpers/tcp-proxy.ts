/**
 * A TCP proxy for outage tests: clients connect to the proxy's port, bytes are piped both ways
 * to the target (e.g. the real Redis on 127.0.0.1:6379).
 *
 *   open --cut()--> cut: every piped connection is destroyed (the client sees its socket
 *                        close, as when a server goes away) and the port refuses new
 *                        connections (ECONNREFUSED: nothing listens on it)
 *   cut  --allow()--> open: the same port listens again
 *   any  --close()--> closed
 *
 * Only node:net; the port is kept across cut/allow so clients reconnect to the same URL.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export class TcpProxy {
  readonly #target: { host: string; port: number };
  readonly #pairs = new Set<[Socket, Socket]>();
  #server: Server | null = null;
  #port = 0;
  #closed = false;
  /** connections accepted so far (reconnections show up here) */
  accepted = 0;

  private constructor(target: { host: string; port: number }) {
    this.#target = target;
  }

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    await proxy.#listen();
    return proxy;
  }

  get port(): number {
    return this.#port;
  }

  /** whether the proxy currently accepts and pipes connections */
  get open(): boolean {
    return this.#server !== null;
  }

  #listen(): Promise<void> {
    const server = createServer((client) => this.#pipe(client));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port: this.#port }, () => {
        server.off('error', reject);
        const addr = server.address();
        if (addr && typeof addr === 'object') this.#port = addr.port;
        this.#server = server;
        resolve();
      });
    });
  }

  #pipe(client: Socket): void {
    this.accepted++;
    const upstream = connect(this.#target);
    const pair: [Socket, Socket] = [client, upstream];
    this.#pairs.add(pair);
    const drop = () => {
      this.#pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** cuts every connection and refuses new ones until allow() */
  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    for (const [a, b] of [...this.#pairs]) {
      a.destroy();
      b.destroy();
    }
    this.#pairs.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** accepts connections again, on the same port */
  async allow(): Promise<void> {
    if (this.#closed || this.#server) return;
    await this.#listen();
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.cut();
  }
}
