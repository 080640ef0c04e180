import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runBusConformance, waitFor } from '../../core/ports/bus.conformance.js';
import type { Bus } from '../../core/ports/bus.js';
import { MemoryBroker, createMemoryBus } from './index.js';

runBusConformance('memory', async () => {
  const broker = new MemoryBroker();
  let n = 0;
  return { connect: async () => broker.connect(`node${++n}`), cleanup: () => broker.close() };
});

const enc = (i: number) => Uint8Array.of(i >> 8, i & 0xff);
const dec = (b: Uint8Array) => (b[0]! << 8) | b[1]!;

/** Publishes 0..n-1 from `pub` on 't' and returns what `sub` received once the broker is idle. */
async function run(broker: MemoryBroker, pub: Bus, sub: Bus, n: number): Promise<number[]> {
  const got: number[] = [];
  await sub.subscribe('t', (d) => void got.push(dec(d)));
  for (let i = 0; i < n; i++) await pub.publish('t', enc(i));
  await broker.idle();
  return got;
}

void describe('MemoryBroker fault injection', () => {
  void it('a single-node bus delivers to itself', async () => {
    const bus = createMemoryBus();
    const got: number[] = [];
    await bus.subscribe('t', (d) => void got.push(dec(d)));
    await bus.publish('t', enc(7));
    await waitFor(() => got.length === 1);
    assert.deepEqual(got, [7]);
    await bus.close();
  });

  void it('drop loses about the given fraction, reproducibly for a seed', async () => {
    const once = async (seed: number) => {
      const broker = new MemoryBroker({ seed, faults: { drop: 0.3 } });
      const got = await run(broker, broker.connect('a'), broker.connect('b'), 2000);
      const stats = broker.stats;
      await broker.close();
      return { got, stats };
    };
    const first = await once(7);
    const again = await once(7);
    const other = await once(8);
    assert.ok(first.got.length > 1200 && first.got.length < 1600, `got ${first.got.length} of 2000`);
    assert.equal(first.stats.dropped, 2000 - first.got.length);
    assert.deepEqual(again.got, first.got);
    assert.notDeepEqual(other.got, first.got);
    // what survives is still in order
    assert.deepEqual(
      first.got,
      [...first.got].sort((x, y) => x - y),
    );
  });

  void it('duplicate delivers some messages twice, back to back, in order', async () => {
    const broker = new MemoryBroker({ seed: 3, faults: { duplicate: 0.2 } });
    const got = await run(broker, broker.connect('a'), broker.connect('b'), 1000);
    const extra = got.length - 1000;
    assert.ok(extra > 120 && extra < 280, `${extra} duplicates`);
    assert.equal(broker.stats.duplicated, extra);
    assert.deepEqual(new Set(got).size, 1000);
    for (let i = 1; i < got.length; i++) assert.ok(got[i]! >= got[i - 1]!, 'order kept');
    await broker.close();
  });

  void it('delay holds messages back by the given time and keeps per-publisher order', async () => {
    const broker = new MemoryBroker({ seed: 5, faults: { delay: 1, delayMs: [40, 60] } });
    const [a, b] = [broker.connect('a'), broker.connect('b')];
    const arrivals: number[] = [];
    const got: number[] = [];
    await b.subscribe('t', (d) => {
      got.push(dec(d));
      arrivals.push(performance.now());
    });
    const start = performance.now();
    for (let i = 0; i < 20; i++) await a.publish('t', enc(i));
    await broker.idle();
    assert.deepEqual(
      got,
      Array.from({ length: 20 }, (_, i) => i),
    );
    assert.ok(arrivals[0]! - start >= 39, `first arrived after ${arrivals[0]! - start} ms`);
    assert.equal(broker.stats.delayed, 20);
    await broker.close();
  });

  void it('a partitioned node neither sends to nor receives from others, but hears itself', async () => {
    const broker = new MemoryBroker();
    const [a, b] = [broker.connect('a'), broker.connect('b')];
    const onA: number[] = [];
    const onB: number[] = [];
    await a.subscribe('t', (d) => void onA.push(dec(d)));
    await b.subscribe('t', (d) => void onB.push(dec(d)));
    broker.partition('b');
    await a.publish('t', enc(1));
    await b.publish('t', enc(2));
    await broker.idle();
    assert.deepEqual(onA, [1]);
    assert.deepEqual(onB, [2]);
    assert.equal(broker.stats.partitioned, 2);
    broker.heal('b');
    await a.publish('t', enc(3));
    await broker.idle();
    assert.deepEqual(onB, [2, 3]);
    await broker.close();
  });

  void it('messages in flight when a partition starts are lost', async () => {
    const broker = new MemoryBroker({ faults: { delay: 1, delayMs: [30, 30] } });
    const [a, b] = [broker.connect('a'), broker.connect('b')];
    const onB: number[] = [];
    await b.subscribe('t', (d) => void onB.push(dec(d)));
    await a.publish('t', enc(1));
    broker.partition('a');
    await broker.idle();
    assert.deepEqual(onB, []);
    await broker.close();
  });

  void it('a throwing handler is counted and logged, and a closed node gets nothing queued for it', async () => {
    const errors: unknown[] = [];
    const logger = {
      debug: () => {},
      info: () => {},
      warn: () => {},
      error: (obj: object) => void errors.push(obj),
      child: () => logger,
    };
    const broker = new MemoryBroker({ logger, faults: { delay: 1, delayMs: [20, 20] } });
    const [a, b, c] = [broker.connect('a'), broker.connect('b'), broker.connect('c')];
    await b.subscribe('t', () => {
      throw new Error('boom');
    });
    const onC: number[] = [];
    await c.subscribe('t', (d) => void onC.push(dec(d)));
    await a.publish('t', enc(1));
    await broker.idle();
    assert.equal(broker.stats.handlerErrors, 1);
    assert.equal(errors.length, 1);
    await a.publish('t', enc(2));
    await c.close();
    await broker.idle();
    assert.deepEqual(onC, [1]);
    assert.equal(broker.pending, 0);
    assert.throws(() => broker.connect('a'), /already connected/);
    const c2 = broker.connect('c'); // a closed node's id can rejoin
    assert.equal(c2.closed, false);
    await broker.close();
  });
  void it('link faults hit one direction between two nodes only', async () => {
    const broker = new MemoryBroker({ seed: 11 });
    const [a, b, c] = [broker.connect('a'), broker.connect('b'), broker.connect('c')];
    broker.setLinkFaults('a', 'b', { drop: 1 });
    const got = { a: 0, b: 0, c: 0 };
    await a.subscribe('t', () => void got.a++);
    await b.subscribe('t', () => void got.b++);
    await c.subscribe('t', () => void got.c++);
    for (let i = 0; i < 10; i++) await a.publish('t', enc(i));
    await b.publish('t', enc(99));
    await broker.idle();
    assert.deepEqual(got, { a: 11, b: 1, c: 11 });
    broker.setLinkFaults('a', 'b', null);
    await a.publish('t', enc(1));
    await broker.idle();
    assert.equal(got.b, 2);
    await broker.close();
  });

  void it('a subscription ended while a delivery is in flight gets nothing', async () => {
    const broker = new MemoryBroker({ faults: { delay: 1, delayMs: [20, 20] } });
    const [a, b] = [broker.connect('a'), broker.connect('b')];
    let calls = 0;
    const sub = await b.subscribe('t', () => void calls++);
    await a.publish('t', enc(1));
    await sub.unsubscribe();
    await broker.idle();
    assert.equal(calls, 0);
    assert.equal(broker.stats.delivered, 1); // reached the node, but no handler is left
    await broker.close();
  });
});
