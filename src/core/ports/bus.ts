/**
 * Bus port: publish/subscribe of opaque bytes on string topics. Nothing more: encoding,
 * fan-out and heartbeats live above it. Adapters: bus-memory (default), bus-redis (cluster).
 * Delivery is at-most-once and per-publisher ordered; a subscriber that throws does not
 * affect others. Conformance suite: src/core/ports/bus.conformance.ts.
 */
export type BusHandler = (data: Uint8Array, topic: string) => void;

export interface Subscription {
  /** idempotent */
  unsubscribe(): Promise<void>;
}

export interface Bus {
  publish(topic: string, data: Uint8Array): Promise<void>;
  subscribe(topic: string, handler: BusHandler): Promise<Subscription>;
  /** idempotent; later publish/subscribe calls reject */
  close(): Promise<void>;
}
