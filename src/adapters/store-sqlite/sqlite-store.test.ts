import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runStoreConformance, account, space } from '../../core/ports/store.conformance.js';
import type { Store } from '../../core/ports/store.js';
import { SqliteStore } from './sqlite-store.js';
import { MIGRATIONS } from './migrations.js';
import { runWebhookOutboxConformance } from '../../core/ports/webhook-outbox.conformance.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'rostra-sqlite-'));

runStoreConformance('sqlite :memory:', async () => {
  const store = new SqliteStore({ path: ':memory:' });
  return { store, cleanup: () => store.close() };
});

runStoreConformance('sqlite file', async () => {
  const dir = tempDir();
  const path = join(dir, 'nested', 'rostra.db');
  let store: Store = new SqliteStore({ path });
  return {
    store,
    reopen: async () => {
      await store.close();
      store = new SqliteStore({ path });
      return store;
    },
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

void describe('SqliteStore', () => {
  void it('a file database uses WAL and records every migration once', async () => {
    const dir = tempDir();
    try {
      const path = join(dir, 'rostra.db');
      const first = new SqliteStore({ path });
      assert.equal(first.journalMode, 'wal');
      assert.equal(first.schemaVersion, MIGRATIONS.length);
      await first.close();
      const second = new SqliteStore({ path }); // migrating again is a no-op
      await second.close();
      const db = new Database(path, { readonly: true });
      const rows = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
      db.close();
      assert.deepEqual(
        rows,
        MIGRATIONS.map((m) => ({ version: m.version, name: m.name })),
      );
      assert.ok(statSync(path).size > 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  void it('a restart on the same file loses nothing written before close', async () => {
    const dir = tempDir();
    try {
      const path = join(dir, 'rostra.db');
      let store = new SqliteStore({ path });
      const accounts = Array.from({ length: 20 }, () => account());
      const spaces = Array.from({ length: 20 }, () => space());
      for (const a of accounts) await store.createAccount(a);
      for (const s of spaces) await store.createSpace(s);
      for (const s of spaces) await store.addReminder(s.id, accounts[0]!.id);
      await store.close();
      store = new SqliteStore({ path });
      for (const a of accounts) assert.deepEqual(await store.getAccount(a.id), a);
      for (const s of spaces) assert.deepEqual(await store.getSpace(s.id), { ...s, reminderCount: 1 });
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  void it('two stores on one file see each other’s writes (a second process)', async () => {
    const dir = tempDir();
    try {
      const path = join(dir, 'rostra.db');
      const a = new SqliteStore({ path });
      const b = new SqliteStore({ path });
      const s = space();
      await a.createSpace(s);
      assert.equal((await b.getSpace(s.id))?.id, s.id);
      assert.equal(await b.addReminder(s.id, account().id), 1);
      assert.equal((await a.getSpace(s.id))?.reminderCount, 1);
      await a.close();
      await b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  void it('a database from a newer build is refused', () => {
    const dir = tempDir();
    try {
      const path = join(dir, 'rostra.db');
      const db = new Database(path);
      db.exec(
        'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
      );
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(999, 'future', 0);
      db.close();
      assert.throws(() => new SqliteStore({ path }), /newer than this build/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

runWebhookOutboxConformance('sqlite :memory:', async () => {
  const store = new SqliteStore({ path: ':memory:' });
  return { outbox: store.webhooks, cleanup: () => store.close() };
});

runWebhookOutboxConformance('sqlite file', async () => {
  const dir = tempDir();
  const path = join(dir, 'rostra.db');
  let store = new SqliteStore({ path });
  const opened: SqliteStore[] = [store];
  return {
    outbox: store.webhooks,
    second: async () => {
      const other = new SqliteStore({ path });
      opened.push(other);
      return other.webhooks;
    },
    reopen: async () => {
      await store.close();
      store = new SqliteStore({ path });
      opened.push(store);
      return store.webhooks;
    },
    cleanup: async () => {
      for (const s of opened) await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
