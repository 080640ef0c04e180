import { MemoryBroker, type MemoryBrokerOptions } from './memory-broker.js';
import type { MemoryBus } from './memory-bus.js';

export { MemoryBroker, type MemoryBrokerOptions, type BrokerStats } from './memory-broker.js';
export { MemoryBus } from './memory-bus.js';
export type { FaultOptions } from './faults.js';

/** A single-node bus (the embedded default): its own broker, no faults. */
export function createMemoryBus(options: Omit<MemoryBrokerOptions, 'faults'> = {}): MemoryBus {
  return new MemoryBroker(options).connect('local');
}
