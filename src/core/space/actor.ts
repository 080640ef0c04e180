import type { UserId } from '../../protocol/ids.js';

/** Whoever sends a command, as the transport authenticated them (token). */
export interface Actor {
  /** null for an anonymous listener */
  userId: UserId | null;
  handle: string;
  anonymous: boolean;
  /** server operator grant: may end Spaces and moderate (column `admin` of the matrix) */
  admin: boolean;
}
