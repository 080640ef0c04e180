/** The browser player for the audience WebSocket tier. */
export { WsPlayer, type PlayerState, type WsPlayerOptions, type WsPlayerStats } from './ws-player.js';
export { JitterRing, type JitterOptions, type JitterStats, type JitterState } from './jitter-ring.js';
export { reconnectDelayMs, shouldReconnect, RECONNECT } from './reconnect.js';
export { TierPlayer, type ListenTier, type TierPlayerOptions, type TierStatus } from './tier-player.js';
export { HlsPlayer, type HlsPlayerOptions, type HlsPlayerStats, type HlsState } from './hls-player.js';
