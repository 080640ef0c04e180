/**
 * Applies pending MIGRATIONS to a better-sqlite3 database. Each migration runs in its own
 * IMMEDIATE transaction (takes the write lock first), so two processes opening the same file
 * at once cannot both apply it: the second sees the row in schema_migrations and skips it.
 */
import type Database from 'better-sqlite3';
import { MIGRATIONS, SCHEMA_MIGRATIONS_DDL, type Migration } from './migrations.js';

/** Returns the schema version after migrating. Refuses a database newer than this build. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number {
  db.exec(SCHEMA_MIGRATIONS_DDL);
  const current = () =>
    (db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
  const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  const found = current();
  if (found > latest) {
    throw new Error(`database schema version ${found} is newer than this build knows (${latest})`);
  }
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    const apply = db.transaction(() => {
      if (current() >= m.version) return;
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        Date.now(),
      );
    });
    apply.immediate();
  }
  return current();
}
