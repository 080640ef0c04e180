/**
 * Store conformance against the real PostgreSQL at 127.0.0.1:5432, database `test` (PG_URL
 * overrides). Each case gets a fresh schema rostra_test_<run>_<n>, dropped at cleanup, so
 * cases and other developers never see each other's rows.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { runStoreConformance, space } from '../../src/core/ports/store.conformance.js';
import { PG_MIGRATIONS, PostgresStore } from '../../src/adapters/store-postgres/index.js';
import { runWebhookOutboxConformance } from '../../src/core/ports/webhook-outbox.conformance.js';

const PG_URL = process.env['PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const RUN = `rostra_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
let n = 0;
const freshSchema = () => `${RUN}_${++n}`;

const admin = new pg.Pool({ connectionString: PG_URL, max: 2 });
const dropSchema = (schema: string) => admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
after(() => admin.end());

runStoreConformance('postgres', async () => {
  const schema = freshSchema();
  let store = await PostgresStore.open({ connectionString: PG_URL, schema });
  return {
    store,
    reopen: async () => {
      await store.close();
      store = await PostgresStore.open({ connectionString: PG_URL, schema });
      return store;
    },
    cleanup: async () => {
      await store.close();
      await dropSchema(schema);
    },
  };
});

runWebhookOutboxConformance('postgres', async () => {
  const schema = freshSchema();
  let store = await PostgresStore.open({ connectionString: PG_URL, schema });
  const opened = [store];
  return {
    outbox: store.webhooks,
    second: async () => {
      const other = await PostgresStore.open({ connectionString: PG_URL, schema });
      opened.push(other);
      return other.webhooks;
    },
    reopen: async () => {
      await store.close();
      store = await PostgresStore.open({ connectionString: PG_URL, schema });
      opened.push(store);
      return store.webhooks;
    },
    cleanup: async () => {
      for (const s of opened) await s.close();
      await dropSchema(schema);
    },
  };
});

void describe('PostgresStore', () => {
  void it('three nodes starting at once on an empty schema apply each migration exactly once', async () => {
    const schema = freshSchema();
    try {
      const stores = await Promise.all(
        [1, 2, 3].map(() => PostgresStore.open({ connectionString: PG_URL, schema })),
      );
      for (const s of stores) assert.equal(await s.schemaVersion(), PG_MIGRATIONS.length);
      const s = space();
      await stores[0]!.createSpace(s);
      assert.equal((await stores[2]!.getSpace(s.id))?.id, s.id);
      await Promise.all(stores.map((x) => x.close()));
      const rows = await admin.query(
        `SELECT version, name FROM "${schema}".schema_migrations ORDER BY version`,
      );
      assert.deepEqual(
        rows.rows,
        PG_MIGRATIONS.map((m) => ({ version: m.version, name: m.name })),
      );
    } finally {
      await dropSchema(schema);
    }
  });

  void it('a database from a newer build is refused', async () => {
    const schema = freshSchema();
    try {
      await (await PostgresStore.open({ connectionString: PG_URL, schema })).close();
      await admin.query(`INSERT INTO "${schema}".schema_migrations VALUES (999, 'future', 0)`);
      await assert.rejects(PostgresStore.open({ connectionString: PG_URL, schema }), /newer than this build/);
    } finally {
      await dropSchema(schema);
    }
  });

  void it('after its connections are killed the store carries on with new ones', async () => {
    const schema = freshSchema();
    const applicationName = `${schema}_app`;
    const store = await PostgresStore.open({ connectionString: PG_URL, schema, applicationName });
    try {
      const s = space();
      await store.createSpace(s);
      const killed = await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
        [applicationName],
      );
      assert.ok(killed.rowCount! >= 1);
      await new Promise((r) => setTimeout(r, 100)); // the pool drops the dead idle clients
      assert.equal((await store.getSpace(s.id))?.id, s.id);
    } finally {
      await store.close();
      await dropSchema(schema);
    }
  });

  void it('an invalid schema name is refused before connecting', async () => {
    await assert.rejects(PostgresStore.open({ connectionString: PG_URL, schema: 'x"; DROP' }), RangeError);
  });

  void it('with PostgreSQL unreachable, open rejects within the connect timeout', async () => {
    const started = Date.now();
    await assert.rejects(
      PostgresStore.open({ connectionString: 'postgres://postgres@127.0.0.1:1/test', connectTimeoutMs: 500 }),
    );
    assert.ok(Date.now() - started < 2000);
  });
});
