/**
 * The Space lifecycle as data. A Space moves forward only:
 *
 *   scheduled ──▶ backstage ──▶ live ──▶ ended
 *       │             │                    ▲
 *       └─────────────┴──── (cancel) ──────┘
 *
 * `ended` is final. The Room's one transition function (room-state.ts) consults this table;
 * the HTTP layer can use `validateSchedule` before creating a scheduled Space.
 * See docs/lifecycles.md.
 */
import { LIMITS } from '../../protocol/limits.js';
import { SpaceState } from '../../protocol/space.js';
import { RostraError } from '../errors.js';

/** every allowed edge: from -> the states it may move to */
export const TRANSITIONS: Readonly<Record<SpaceState, readonly SpaceState[]>> = {
  scheduled: [SpaceState.backstage, SpaceState.ended],
  backstage: [SpaceState.live, SpaceState.ended],
  live: [SpaceState.ended],
  ended: [],
};

export const canTransition = (from: SpaceState, to: SpaceState): boolean => TRANSITIONS[from].includes(to);

/** throws `invalid_transition` unless from -> to is an edge of the lifecycle */
export function assertTransition(from: SpaceState, to: SpaceState): void {
  if (!canTransition(from, to)) {
    throw new RostraError('invalid_transition', `a Space cannot go from ${from} to ${to}`, {
      details: { from, to },
    });
  }
}

/**
 * A scheduled start must be in the future and at most LIMITS.maxScheduleAheadMs ahead.
 * @param now ms since epoch
 * @param at requested start, ms since epoch
 * @throws RostraError('invalid_field') with details.field = 'scheduledFor'
 */
export function validateSchedule(now: number, at: number): void {
  if (!Number.isFinite(at) || !Number.isInteger(at)) {
    throw new RostraError('invalid_field', 'scheduledFor must be an integer ms timestamp', {
      details: { field: 'scheduledFor' },
    });
  }
  if (at <= now) {
    throw new RostraError('invalid_field', 'scheduledFor must be in the future', {
      details: { field: 'scheduledFor' },
    });
  }
  if (at - now > LIMITS.maxScheduleAheadMs) {
    throw new RostraError('invalid_field', 'scheduledFor is too far ahead (max 14 days)', {
      details: { field: 'scheduledFor', maxAheadMs: LIMITS.maxScheduleAheadMs },
    });
  }
}
