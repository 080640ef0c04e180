import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { ACTIONS, ACTOR_KINDS, PERMISSIONS, renderPermissionMatrix } from './permissions.js';

const DOC = new URL('../../../docs/permissions.md', import.meta.url);
const BEGIN = '<!-- permissions:begin (generated, do not edit by hand) -->\n';
const END = '\n<!-- permissions:end -->';

void describe('permission matrix', () => {
  void test('docs/permissions.md prints exactly the matrix the server enforces', () => {
    const doc = readFileSync(DOC, 'utf8');
    const start = doc.indexOf(BEGIN);
    const end = doc.indexOf(END);
    assert.ok(start >= 0 && end > start, 'docs/permissions.md has the generated section markers');
    const printed = doc.slice(start + BEGIN.length, end);
    if (process.env.UPDATE_DOCS === '1' && printed !== renderPermissionMatrix()) {
      writeFileSync(DOC, doc.slice(0, start + BEGIN.length) + renderPermissionMatrix() + doc.slice(end));
      return;
    }
    assert.equal(printed, renderPermissionMatrix());
  });

  void test('every action has a cell for every kind of actor', () => {
    for (const a of ACTIONS)
      for (const k of ACTOR_KINDS) assert.notEqual(PERMISSIONS[a][k], undefined, `${a}/${k}`);
  });

  void test('nobody may target the host with moderation except where the table says so (mute by host/admin)', () => {
    for (const a of ACTIONS) {
      for (const k of ACTOR_KINDS) {
        const cell = PERMISSIONS[a][k];
        if (Array.isArray(cell) && cell.includes('host'))
          assert.ok(a === 'mute' && (k === 'host' || k === 'admin'), `${a}/${k}`);
      }
    }
  });

  void test('only the host and admins can end a Space; listeners and speakers never moderate', () => {
    const enders = ACTOR_KINDS.filter((k) => PERMISSIONS.end_space[k] !== false);
    assert.deepEqual(enders, ['host', 'admin']);
    for (const a of [
      'mute',
      'remove',
      'ban',
      'approve_request',
      'invite_to_stage',
      'move_to_audience',
    ] as const) {
      for (const k of ['speaker', 'listener', 'anonymous'] as const)
        assert.equal(PERMISSIONS[a][k], false, `${a}/${k}`);
    }
  });
});
