/** A small JSON WebSocket client for the load tool's few control sockets (host stage, bots' listen). */
import WebSocket from 'ws';

type Msg = {
  type?: string;
  ref?: number;
  code?: string;
  message?: string;
} & Record<string, unknown>;

export class JsonSocket {
  readonly #waiters: {
    pred: (m: Msg) => boolean;
    resolve: (m: Msg) => void;
  }[] = [];
  readonly #seen: Msg[] = [];
  #ref = 1;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data, binary) => {
      if (binary) return;
      let msg: Msg;
      try {
        msg = JSON.parse((data as Buffer).toString('utf8')) as Msg;
      } catch {
        return;
      }
      if (this.#seen.length < 100) this.#seen.push(msg);
      for (let i = this.#waiters.length - 1; i >= 0; i--) {
        const w = this.#waiters[i]!;
        if (w.pred(msg)) {
          this.#waiters.splice(i, 1);
          w.resolve(msg);
        }
      }
    });
    ws.on('error', () => undefined);
  }

  static open(url: string): Promise<JsonSocket> {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const socket = new JsonSocket(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(socket));
      ws.once('error', reject);
      ws.once('close', (code) => reject(new Error(`socket closed before opening (${code})`)));
    });
  }

  waitFor(pred: (m: Msg) => boolean, label: string, timeoutMs = 5000): Promise<Msg> {
    const seen = this.#seen.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${label}`)), timeoutMs);
      this.#waiters.push({
        pred,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  /** sends a command and resolves on its ack; rejects with the server's error code */
  async command(msg: Record<string, unknown>): Promise<void> {
    const ref = this.#ref++;
    this.ws.send(JSON.stringify({ ...msg, ref }));
    const reply = await this.waitFor(
      (m) => (m.type === 'ack' || m.type === 'error') && m.ref === ref,
      `reply to ${String(msg.type)}`,
    );
    if (reply.type === 'error')
      throw new Error(`${String(msg.type)} refused: ${reply.code} ${reply.message ?? ''}`);
  }

  close(): void {
    this.ws.close();
  }
}
