/** Cluster mode: many identical nodes sharing Redis (bus, leases) and PostgreSQL (store). */
export { ClusterSpaceHub, type ClusterHubDeps } from './cluster-hub.js';
export { SpaceNode, HEARTBEAT_MS } from './space-node.js';
export { HomeLease } from './home-lease.js';
export { Directory, DIRECTORY_BEAT_MS, DIRECTORY_EXPIRE_MS } from './directory.js';
export { DRAIN_DEFAULTS, type DrainOptions } from './drain.js';
export { PRESENCE_BEAT_MS, PRESENCE_EXPIRE_MS } from './presence.js';
export { homeLeaseKey, topics } from './topics.js';
