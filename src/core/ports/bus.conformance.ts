/**
 * Bus conformance suite: every Bus adapter runs these cases (see style.md §7).
 *
 *   runBusConformance('memory', async () => { const broker = ...; return { connect, cleanup } });
 *
 * `connect()` gives another bus on the same broker (another node, or another connection to
 * the same Redis); each case makes a fresh harness and calls `cleanup()` at the end.
 * "Not delivered" is checked with a marker: the same publisher sends a marker afterwards, and
 * per-publisher order means anything before it has arrived by the time the marker does.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Bus, BusHandler } from './bus.js';

export interface BusHarness {
  /** a new bus on the same broker as every other bus of this harness */
  connect(): Promise<Bus>;
  /** closes every bus it connected (and the broker) */
  cleanup(): Promise<void>;
}

/** ms a case waits for a delivery before failing */
const DELIVERY_TIMEOUT_MS = 2000;

const bytes = (...values: number[]) => Uint8Array.from(values);
const text = (s: string) => new TextEncoder().encode(s);
const decode = (b: Uint8Array) => new TextDecoder().decode(b);

/** Polls `ready` every 2 ms until it is true; rejects after DELIVERY_TIMEOUT_MS. */
export async function waitFor(ready: () => boolean, what = 'condition'): Promise<void> {
  const deadline = Date.now() + DELIVERY_TIMEOUT_MS;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Subscribes a recorder; `got` holds [topic, bytes-as-text] in arrival order. */
async function recorder(bus: Bus, topic: string) {
  const got: [string, string][] = [];
  const handler: BusHandler = (data, t) => void got.push([t, decode(data)]);
  const sub = await bus.subscribe(topic, handler);
  return { got, sub };
}

/** Publishes a marker from `pub` and waits until `sub` has it: earlier messages from pub are in. */
async function flush(pub: Bus, sub: Bus): Promise<void> {
  const topic = `marker-${Math.random().toString(36).slice(2)}`;
  let seen = false;
  const s = await sub.subscribe(topic, () => void (seen = true));
  await pub.publish(topic, bytes(1));
  await waitFor(() => seen, 'the marker');
  await s.unsubscribe();
}

export function runBusConformance(name: string, makeHarness: () => Promise<BusHarness>): void {
  const withBuses = (body: (a: Bus, b: Bus, h: BusHarness) => Promise<void>) => async () => {
    const h = await makeHarness();
    try {
      const [a, b] = [await h.connect(), await h.connect()];
      await body(a, b, h);
    } finally {
      await h.cleanup();
    }
  };

  void describe(`Bus conformance: ${name}`, () => {
    void it(
      'a subscriber on another bus gets the exact bytes and the topic',
      withBuses(async (a, b) => {
        const got: [Uint8Array, string][] = [];
        await b.subscribe('space.1.audio', (data, topic) => void got.push([Uint8Array.from(data), topic]));
        const payload = bytes(0, 1, 127, 128, 255);
        await a.publish('space.1.audio', payload);
        await waitFor(() => got.length === 1);
        assert.deepEqual(got[0], [payload, 'space.1.audio']);
      }),
    );

    void it(
      'a subscriber on the publishing bus gets its own messages too',
      withBuses(async (a) => {
        const { got } = await recorder(a, 'self');
        await a.publish('self', text('hi'));
        await waitFor(() => got.length === 1);
        assert.deepEqual(got, [['self', 'hi']]);
      }),
    );

    void it(
      'empty and 1 MiB payloads arrive intact',
      withBuses(async (a, b) => {
        const got: Uint8Array[] = [];
        await b.subscribe('sizes', (data) => void got.push(Uint8Array.from(data)));
        const big = new Uint8Array(1024 * 1024).map((_, i) => (i * 31) & 0xff);
        await a.publish('sizes', new Uint8Array(0));
        await a.publish('sizes', big);
        await waitFor(() => got.length === 2);
        assert.equal(got[0]!.length, 0);
        assert.deepEqual(got[1], big);
      }),
    );

    void it(
      'topics match exactly: other topics and look-alike patterns get nothing',
      withBuses(async (a, b) => {
        const { got } = await recorder(b, 'room.1');
        const star = await recorder(b, 'room.*');
        await a.publish('room.2', text('x'));
        await a.publish('room.10', text('x'));
        await a.publish('room.1', text('yes'));
        await flush(a, b);
        assert.deepEqual(got, [['room.1', 'yes']]);
        assert.deepEqual(star.got, []);
      }),
    );

    void it(
      'delivery is asynchronous: no handler runs inside publish',
      withBuses(async (a, b) => {
        let insidePublish = false;
        const seen: boolean[] = [];
        await a.subscribe('t', () => void seen.push(insidePublish));
        await b.subscribe('t', () => void seen.push(insidePublish));
        insidePublish = true;
        const p = a.publish('t', bytes(1));
        insidePublish = false;
        await p;
        await waitFor(() => seen.length === 2);
        assert.deepEqual(seen, [false, false]);
      }),
    );

    void it(
      'messages from one publisher arrive in the order published',
      withBuses(async (a, b) => {
        const { got } = await recorder(b, 'seq');
        const n = 500;
        await Promise.all(Array.from({ length: n }, (_, i) => a.publish('seq', text(String(i)))));
        await waitFor(() => got.length === n, `${n} messages`);
        assert.deepEqual(
          got.map(([, v]) => Number(v)),
          Array.from({ length: n }, (_, i) => i),
        );
      }),
    );

    void it(
      'order holds per publisher across topics',
      withBuses(async (a, b) => {
        const got: string[] = [];
        await b.subscribe('x', (d) => void got.push(decode(d)));
        await b.subscribe('y', (d) => void got.push(decode(d)));
        for (let i = 0; i < 50; i++) await a.publish(i % 2 ? 'x' : 'y', text(String(i)));
        await waitFor(() => got.length === 50);
        assert.deepEqual(
          got.map(Number),
          Array.from({ length: 50 }, (_, i) => i),
        );
      }),
    );

    void it(
      'every subscriber of a topic gets each message, on any bus',
      withBuses(async (a, b, h) => {
        const c = await h.connect();
        const r1 = await recorder(b, 'fan');
        const r2 = await recorder(b, 'fan');
        const r3 = await recorder(c, 'fan');
        await a.publish('fan', text('m'));
        await waitFor(() => r1.got.length + r2.got.length + r3.got.length === 3);
        for (const r of [r1, r2, r3]) assert.deepEqual(r.got, [['fan', 'm']]);
      }),
    );

    void it(
      'a throwing subscriber does not stop the others or later messages',
      withBuses(async (a, b) => {
        let thrown = 0;
        await b.subscribe('t', () => {
          thrown++;
          throw new Error('subscriber bug');
        });
        const { got } = await recorder(b, 't');
        await a.publish('t', text('1'));
        await a.publish('t', text('2'));
        await waitFor(() => got.length === 2);
        assert.equal(thrown, 2);
        assert.deepEqual(
          got.map(([, v]) => v),
          ['1', '2'],
        );
      }),
    );

    void it(
      'the publisher may reuse its buffer once publish resolves',
      withBuses(async (a, b) => {
        const got: string[] = [];
        await b.subscribe('t', (d) => void got.push(decode(d)));
        const buf = text('aaaa');
        await a.publish('t', buf);
        buf.fill(0x62); // 'bbbb'
        const nodeBuffer = Buffer.from('cccc'); // Buffer#slice makes views, not copies
        await a.publish('t', nodeBuffer);
        nodeBuffer.fill(0x64);
        const view = new Uint8Array(text('xxeeeexx').buffer, 2, 4); // a view into a larger buffer
        await a.publish('t', view);
        view.fill(0x66);
        await waitFor(() => got.length === 3);
        assert.deepEqual(got, ['aaaa', 'cccc', 'eeee']);
      }),
    );

    void it(
      'unsubscribe stops delivery to that subscriber only, and is idempotent',
      withBuses(async (a, b) => {
        const gone = await recorder(b, 't');
        const kept = await recorder(b, 't');
        await a.publish('t', text('1'));
        await waitFor(() => gone.got.length === 1 && kept.got.length === 1);
        await gone.sub.unsubscribe();
        await gone.sub.unsubscribe();
        await a.publish('t', text('2'));
        await flush(a, b);
        await waitFor(() => kept.got.length === 2);
        assert.deepEqual(
          gone.got.map(([, v]) => v),
          ['1'],
        );
        assert.deepEqual(
          kept.got.map(([, v]) => v),
          ['1', '2'],
        );
      }),
    );

    void it(
      'close is idempotent, later calls reject, and other buses carry on',
      withBuses(async (a, b, h) => {
        const c = await h.connect();
        const onA = await recorder(a, 't');
        const onC = await recorder(c, 't');
        await a.close();
        await a.close();
        await assert.rejects(a.publish('t', bytes(1)));
        await assert.rejects(a.subscribe('t', () => {}));
        await onA.sub.unsubscribe(); // still fine after close
        await b.publish('t', text('after'));
        await waitFor(() => onC.got.length === 1);
        assert.deepEqual(onA.got, []);
      }),
    );
  });
}
