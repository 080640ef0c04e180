/** The browser player for the audience WebSocket tier. */
export { WsPlayer, type PlayerState, type WsPlayerOptions, type WsPlayerStats } from './ws-player.js';
export { JitterRing, type JitterOptions, type JitterStats, type JitterState } from './jitter-ring.js';
export { reconnectDelayMs, shouldReconnect, RECONNECT } from './reconnect.js';
