import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runLeasesConformance } from '../../core/ports/leases.conformance.js';
import { FakeClock } from '../../core/space/testing/fake-clock.js';
import { MemoryLeases, MemoryLeaseTable } from './index.js';

runLeasesConformance('memory (fake clock)', async () => {
  const clock = new FakeClock();
  const table = new MemoryLeaseTable(clock);
  return {
    connect: async () => new MemoryLeases(table),
    advance: async (ms) => clock.advance(ms),
    now: () => clock.now(),
    cleanup: async () => {},
  };
});

void describe('MemoryLeases', () => {
  void it('a lease expires exactly at acquire time + ttl by the injected clock', async () => {
    const clock = new FakeClock();
    const leases = new MemoryLeases(new MemoryLeaseTable(clock));
    const grant = await leases.acquire('k', 'a', 1000);
    assert.equal((await leases.holder('k'))?.expiresAt, clock.now() + 1000);
    clock.advance(999);
    assert.equal((await leases.holder('k'))?.token, grant?.token);
    clock.advance(1);
    assert.equal(await leases.holder('k'), null);
  });

  void it('a fresh table uses the system clock', async () => {
    const leases = new MemoryLeases();
    const before = Date.now();
    await leases.acquire('k', 'a', 5000);
    const at = (await leases.holder('k'))!.expiresAt;
    assert.ok(at >= before + 5000 && at <= Date.now() + 5000);
    await leases.close();
  });
});
