import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MIGRATIONS } from '../store-sqlite/migrations.js';
import { PG_MIGRATIONS } from './migrations.js';

/** the table names a migration creates, in order */
const tables = (sql: string) => [...sql.matchAll(/CREATE TABLE (?:IF NOT EXISTS )?(\w+)/g)].map((m) => m[1]);

void describe('PostgreSQL migrations', () => {
  void it('have the same numbers and names as the SQLite migrations, in step', () => {
    const pick = (ms: readonly { version: number; name: string }[]) =>
      ms.map(({ version, name }) => ({ version, name }));
    assert.deepEqual(pick(PG_MIGRATIONS), pick(MIGRATIONS));
  });

  void it('are numbered 1, 2, 3, ... without gaps', () => {
    assert.deepEqual(
      PG_MIGRATIONS.map((m) => m.version),
      PG_MIGRATIONS.map((_, i) => i + 1),
    );
  });

  void it('create the same tables as their SQLite twins', () => {
    for (const [i, m] of PG_MIGRATIONS.entries()) assert.deepEqual(tables(m.sql), tables(MIGRATIONS[i]!.sql));
  });
});
