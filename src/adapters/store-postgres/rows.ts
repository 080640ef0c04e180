/**
 * Row mapping for the PostgreSQL store: the shared SQL mapping, plus the int8 parser that makes
 * BIGINT columns arrive as numbers, and a bytewise id tie-break (COLLATE "C") as in SQLite.
 */
import pg from 'pg';
import type { CustomTypesConfig } from 'pg';
import { orderByState } from '../store-sql/rows.js';

export {
  PATCH_COLUMNS,
  toAccount,
  toBan,
  toSpace,
  type AccountRow,
  type BanRow,
  type SpaceRow,
} from '../store-sql/rows.js';

const INT8_OID = 20;

/**
 * Parses BIGINT (int8) as a JS number, for this store's pool only (pg's global parsers are
 * left alone). Safe: every BIGINT here is ms since epoch or a count, far below 2^53.
 */
const parseInt8 = (v: string): number => Number(v);
const defaultParser = pg.types.getTypeParser as (oid: number, format?: string) => unknown;

export const INT8_TYPES: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string): unknown =>
    oid === INT8_OID && format !== 'binary'
      ? parseInt8
      : defaultParser(oid, format)) as CustomTypesConfig['getTypeParser'],
};

/** the same order as the SQLite store; COLLATE "C" makes the id tie-break bytewise */
export const ORDER_BY_STATE = orderByState(' COLLATE "C"');
