/** Asserts a command is refused with `code` and changes nothing the room exposes. */
import assert from 'node:assert/strict';
import type { ErrorCode } from '../../../protocol/errors.js';
import { isRostraError } from '../../errors.js';
import type { Room } from '../room.js';

export async function assertRefused(
  room: Room,
  code: ErrorCode,
  action: () => Promise<unknown>,
): Promise<void> {
  const before = { snapshot: room.snapshot(), requests: room.requests() };
  let emitted = 0;
  const offs = (
    ['snapshot', 'requests', 'notify', 'kicked', 'mix', 'state', 'ended', 'questions'] as const
  ).map((e) => room.events.on(e, () => void emitted++));
  try {
    await assert.rejects(action(), (e: unknown) => {
      assert.ok(isRostraError(e), `expected a RostraError, got ${String(e)}`);
      assert.equal(e.code, code);
      return true;
    });
  } finally {
    for (const off of offs) off();
  }
  assert.deepEqual(
    { snapshot: room.snapshot(), requests: room.requests() },
    before,
    'a refusal changed the room',
  );
  assert.equal(emitted, 0, 'a refusal emitted events');
}
