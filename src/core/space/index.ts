/** The Space domain: lifecycle, roles, permissions and the room actor (see docs/lifecycles.md). */
export type { Actor } from './actor.js';
export { TRANSITIONS, canTransition, assertTransition, validateSchedule } from './lifecycle.js';
export {
  ACTIONS,
  ACTOR_KINDS,
  PERMISSIONS,
  ACTION_STATES,
  renderPermissionMatrix,
  type Action,
  type ActorKind,
} from './permissions.js';
export { Room, type RoomDeps } from './room.js';
export type { RestoreInput, RestoreResult } from './room-restore.js';
export { RoomRegistry, type RoomRegistryDeps } from './registry.js';
export { DEFAULT_ROOM_CONFIG, type RoomConfig, type RoomEvents, type RoomNotice } from './room-events.js';
export type { ReactionBatch } from './reaction-window.js';
export { ListenerList, parseListenerQuery, type ListenerQuery } from './listener-list.js';
