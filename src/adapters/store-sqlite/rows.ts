/** Row mapping for the SQLite store: the shared SQL mapping, SQLite's default (bytewise) order. */
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

export const ORDER_BY_STATE = orderByState();
