/**
 * The web app offers a moderator only what the server allows: its menu table (web/src/app/
 * room/menu-rules.ts) equals the targeted cells of the permission matrix for hosts and
 * co-hosts. A change to one without the other fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PERMISSIONS } from '../../src/core/space/permissions.js';
import { MENU_RULES, type MenuAction } from '../../web/src/app/room/menu-rules.js';

void test("the web app's moderator menu follows the permission matrix", () => {
  for (const actor of ['host', 'cohost'] as const) {
    const rules = MENU_RULES[actor];
    assert.ok(rules, actor);
    for (const [action, targets] of Object.entries(rules) as [MenuAction, readonly string[]][]) {
      const cell = PERMISSIONS[action][actor];
      const expected = cell === false ? [] : cell === true ? ['host', 'cohost', 'speaker', 'listener'] : cell;
      assert.deepEqual([...targets].sort(), [...expected].sort(), `${actor} ${action}`);
    }
  }
});
