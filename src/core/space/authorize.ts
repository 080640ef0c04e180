/**
 * The one gate every command passes: permission matrix, then Space state, then target.
 * Returns the target's role (or 'listener' when there is no target). Changes nothing.
 */
import type { UserId } from '../../protocol/ids.js';
import type { Role, SpaceState } from '../../protocol/space.js';
import { RostraError } from '../errors.js';
import type { Actor } from './actor.js';
import {
  ACTION_STATES,
  NOT_ON_SELF,
  actorKinds,
  allowedTargets,
  isAllowed,
  type Action,
} from './permissions.js';

const LIFECYCLE: ReadonlySet<Action> = new Set<Action>(['open_backstage', 'go_live', 'end_space']);

export function authorize(
  action: Action,
  actor: Actor,
  state: SpaceState,
  roleOf: (userId: UserId) => Role,
  target?: UserId,
): Role {
  const role: Role = actor.userId === null ? 'listener' : roleOf(actor.userId);
  const kinds = actorKinds(role, actor.anonymous || actor.userId === null, actor.admin);
  if (!isAllowed(action, kinds)) {
    throw new RostraError('forbidden', `a ${kinds.join('/')} cannot ${action}`);
  }
  if (!ACTION_STATES[action].includes(state)) {
    if (state === 'ended') throw new RostraError('space_ended');
    if (LIFECYCLE.has(action)) {
      throw new RostraError('invalid_transition', `${action} is not possible while ${state}`);
    }
    throw new RostraError('space_not_live', `${action} is not possible while ${state}`);
  }
  if (target === undefined) return 'listener';
  if (NOT_ON_SELF.has(action) && target === actor.userId) throw new RostraError('cannot_target_self');
  const targetRole = roleOf(target);
  const targets = allowedTargets(action, kinds);
  if (targets === '*' || targets.has(targetRole)) return targetRole;
  if (targetRole === 'host') throw new RostraError('cannot_target_host');
  if (targetRole === 'listener') throw new RostraError('not_on_stage');
  throw new RostraError('forbidden', `a ${kinds.join('/')} cannot ${action} a ${targetRole}`);
}
