/**
 * Applies pending PG_MIGRATIONS in ONE transaction that first takes a transaction-scoped
 * advisory lock keyed by the schema name. Two nodes starting at once queue on the lock: the
 * second finds everything applied and does nothing. A failing migration rolls back whole
 * (PostgreSQL DDL is transactional), leaving the previous version intact.
 */
import type { ClientBase } from 'pg';
import { PG_MIGRATIONS, PG_SCHEMA_MIGRATIONS_DDL, type PgMigration } from './migrations.js';

/** Returns the schema version after migrating. Refuses a database newer than this build. */
export async function migratePg(
  client: ClientBase,
  schema: string,
  migrations: readonly PgMigration[] = PG_MIGRATIONS,
): Promise<number> {
  await client.query('BEGIN');
  try {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`rostra.migrate:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(PG_SCHEMA_MIGRATIONS_DDL);
    const found = await currentVersion(client);
    const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
    if (found > latest) {
      throw new Error(`database schema version ${found} is newer than this build knows (${latest})`);
    }
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (m.version <= found) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        Date.now(),
      ]);
    }
    const version = await currentVersion(client);
    await client.query('COMMIT');
    return version;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  }
}

async function currentVersion(client: ClientBase): Promise<number> {
  const r = await client.query<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations');
  return r.rows[0]?.v ?? 0;
}
