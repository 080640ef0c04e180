export { MemoryLeases, MemoryLeaseTable } from './memory-leases.js';
