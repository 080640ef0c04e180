/** The audience WebSocket tier: fan-out of the mixed stream to listen sockets. */
export {
  FANOUT_DEFAULTS,
  type DropReason,
  type FanoutEvents,
  type FanoutOptions,
  type FanoutStats,
  type ListenerMeta,
} from './fanout-options.js';
export { AudienceFanout } from './fanout.js';
export { WindowTuner, type TunerOptions } from './window-tuner.js';
export { FrameBatcher, DEFAULT_WINDOW_FRAMES, type BatcherOptions } from './batcher.js';
export {
  AUDIENCE_WS_SERVER_OPTIONS,
  WS_READY_STATE,
  configureListenSocket,
  type FanoutSocket,
} from './socket.js';
