/**
 * Helpers for the fan-out tests (not used by production code): a real `ws` server on 127.0.0.1
 * whose accepted sockets go into a fan-out, real clients that record what they receive, and a
 * real Opus tone source.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Encoder } from '@evan/opus';
import { WebSocket, WebSocketServer } from 'ws';
import { FRAME_SAMPLES, SAMPLE_RATE, type AudioFrame } from '../../protocol/audience.js';
import { asUserId } from '../../protocol/ids.js';
import type { AudienceFanout } from './fanout.js';
import {
  AUDIENCE_WS_SERVER_OPTIONS,
  WS_READY_STATE,
  configureListenSocket,
  type FanoutSocket,
} from './socket.js';

export interface TestServer {
  url: string;
  /** server-side sockets in accept order */
  accepted: WebSocket[];
  /** request URL of each accepted socket, same order */
  urls: string[];
  close(): Promise<void>;
}

/** Accepts listen sockets and attaches each to `fanout` (what the control layer will do). */
export async function startFanoutServer(
  fanout: AudienceFanout,
  onRequest?: RequestListener,
  /** hand the fan-out each socket's TCP connection (as the server does); false: write through `ws` */
  tcpWrites = true,
): Promise<TestServer> {
  const http: Server = createServer(onRequest);
  const wss = new WebSocketServer({ ...AUDIENCE_WS_SERVER_OPTIONS, noServer: true });
  const accepted: WebSocket[] = [];
  const urls: string[] = [];
  let n = 0;
  http.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      configureListenSocket(req.socket);
      accepted.push(ws);
      urls.push(req.url ?? '');
      if (!fanout.closed) fanout.attach(ws, { userId: asUserId(`u${n++}`) }, tcpWrites ? req.socket : null);
      ws.on('close', () => fanout.closed || fanout.detach(ws));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/listen`,
    accepted,
    urls,
    close: async () => {
      for (const ws of accepted) ws.terminate();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

export interface TestClient {
  ws: WebSocket;
  binary: Buffer[];
  text: string[];
  /** Date.now() when each binary message arrived */
  binaryAt: number[];
  closed: Promise<{ code: number; reason: string }>;
}

export async function connectClient(url: string): Promise<TestClient> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  const client: TestClient = {
    ws,
    binary: [],
    text: [],
    binaryAt: [],
    closed: new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    ),
  };
  ws.on('message', (data, isBinary) => {
    const buf = Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]);
    if (isBinary) {
      client.binary.push(buf);
      client.binaryAt.push(Date.now());
    } else client.text.push(buf.toString('utf8'));
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return client;
}

/** Polls `cond` every 5 ms until it holds or `timeoutMs` passes (then throws). */
export async function waitFor(cond: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Real Opus frames of a sine tone (48 kHz mono, 20 ms), numbered from `firstSeq`. */
export function toneFrames(count: number, hz = 440, firstSeq = 0, bitrate?: number): AudioFrame[] {
  const encoder = new Encoder({ channels: 1, sample_rate: SAMPLE_RATE, application: 'voip' });
  if (bitrate) encoder.bitrate = bitrate;
  const frames: AudioFrame[] = [];
  const pcm = new Int16Array(FRAME_SAMPLES);
  for (let f = 0; f < count; f++) {
    for (let i = 0; i < FRAME_SAMPLES; i++) {
      const t = (f * FRAME_SAMPLES + i) / SAMPLE_RATE;
      pcm[i] = Math.round(Math.sin(2 * Math.PI * hz * t) * 0.3 * 32767);
    }
    frames.push({ seq: (firstSeq + f) >>> 0, mixedAt: Date.now(), opus: encoder.encode(pcm) });
  }
  return frames;
}

/** A live source of real Opus frames of a sine tone, one per `next()` call (like the mixer). */
export class ToneSource {
  readonly #encoder = new Encoder({ channels: 1, sample_rate: SAMPLE_RATE, application: 'voip' });
  readonly #pcm = new Int16Array(FRAME_SAMPLES);
  #seq = 0;
  #sample = 0;
  constructor(
    readonly hz = 440,
    readonly amplitude = 0.3,
  ) {}

  next(): AudioFrame {
    for (let i = 0; i < FRAME_SAMPLES; i++, this.#sample++) {
      const v = Math.sin((2 * Math.PI * this.hz * this.#sample) / SAMPLE_RATE) * this.amplitude;
      this.#pcm[i] = Math.round(v * 32767);
    }
    return { seq: this.#seq++ >>> 0, mixedAt: Date.now(), opus: this.#encoder.encode(this.#pcm) };
  }
}

/** A socket with the real interface that only counts what it is sent (no network). */
export class CountingSocket implements FanoutSocket {
  readyState: number = WS_READY_STATE.open;
  bufferedAmount = 0;
  sent = 0;
  last: Buffer | null = null;
  send(data: Buffer): void {
    this.sent++;
    this.last = data;
  }
  close(): void {
    this.readyState = WS_READY_STATE.closed;
  }
  terminate(): void {
    this.readyState = WS_READY_STATE.closed;
  }
}
