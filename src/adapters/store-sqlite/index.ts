export { SqliteStore, DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT, type SqliteStoreOptions } from './sqlite-store.js';
export { MIGRATIONS, SCHEMA_MIGRATIONS_DDL, type Migration } from './migrations.js';
export { migrate } from './migrate.js';
