export {
  PostgresStore,
  DEFAULT_LIST_LIMIT,
  MAX_LIST_LIMIT,
  type PostgresStoreOptions,
} from './postgres-store.js';
export { PG_MIGRATIONS, PG_SCHEMA_MIGRATIONS_DDL, type PgMigration } from './migrations.js';
export { migratePg } from './migrate.js';
