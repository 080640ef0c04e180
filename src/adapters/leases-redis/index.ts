export { RedisLeases, type RedisLeasesOptions } from './redis-leases.js';
