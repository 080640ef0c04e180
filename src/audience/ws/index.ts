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
export { FrameLanes, DEFAULT_WINDOW_FRAMES, type LanesOptions } from './lanes.js';
export {
  AUDIENCE_WS_SERVER_OPTIONS,
  WS_READY_STATE,
  frameWebSocketMessage,
  configureListenSocket,
  type FanoutSocket,
} from './socket.js';
