/**
 * A real HTTP webhook receiver for tests: verifies every request's Standard Webhooks signature
 * with the `standardwebhooks` package (as an integrator would), answers 204, or the status it
 * is told to for the next requests, and records what it got. It can stop and start again on
 * the same port (an endpoint that is down for a while).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  id: string;
  type: string;
  data: any;
  timestamp: string;
  /** the signature checked out with the receiver's secret */
  verified: boolean;
  /** the status this request was answered with */
  answered: number;
}

export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  /** statuses to answer the next requests with, first first; then 204 */
  readonly failNext: number[] = [];
  #server: Server | null = null;
  #port = 0;
  #verifier: Webhook;

  private constructor(secret: string) {
    this.#verifier = new Webhook(secret);
  }

  /** checks signatures with another secret from now on (one handed out by the server) */
  useSecret(secret: string): void {
    this.#verifier = new Webhook(secret);
  }

  static async start(secret: string, port = 0): Promise<WebhookReceiver> {
    const r = new WebhookReceiver(secret);
    await r.listen(port);
    return r;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}/hooks`;
  }

  /** the good (verified, answered 2xx) deliveries, one per webhook-id */
  get delivered(): ReceivedWebhook[] {
    const seen = new Map<string, ReceivedWebhook>();
    for (const r of this.received) if (r.verified && r.answered < 300 && !seen.has(r.id)) seen.set(r.id, r);
    return [...seen.values()];
  }

  ofType(type: string): ReceivedWebhook[] {
    return this.delivered.filter((r) => r.type === type);
  }

  async listen(port = this.#port): Promise<void> {
    const server = createServer((req, res) => {
      void body(req).then((text) => {
        let verified = false;
        let parsed: any = null;
        try {
          parsed = this.#verifier.verify(text, req.headers as Record<string, string>);
          verified = true;
        } catch {
          verified = false;
        }
        const answered = !verified ? 400 : (this.failNext.shift() ?? 204);
        this.received.push({
          id: String(req.headers['webhook-id']),
          type: parsed?.type ?? '?',
          data: parsed?.data,
          timestamp: parsed?.timestamp ?? '',
          verified,
          answered,
        });
        res.writeHead(answered).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  async stop(): Promise<void> {
    const s = this.#server;
    this.#server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
  });
}
