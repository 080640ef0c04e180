/**
 * Reminder add/remove as ONE statement each: lock the Space row, insert/delete the reminder,
 * adjust reminder_count by the rows actually changed, return the new count. No row back means
 * the Space does not exist. The row lock (FOR UPDATE) serialises concurrent reminders of one
 * Space, so the count stays equal to the number of reminder rows.
 * Parameters: $1 space id, $2 user id, and for add $3 now (ms since epoch).
 */
export const reminderSql = {
  add: `
WITH s AS (SELECT id FROM spaces WHERE id = $1 FOR UPDATE),
changed AS (
  INSERT INTO reminders (space_id, user_id, created_at)
  SELECT id, $2, $3::bigint FROM s
  ON CONFLICT DO NOTHING RETURNING 1
)
UPDATE spaces SET reminder_count = reminder_count + (SELECT count(*) FROM changed)
WHERE id IN (SELECT id FROM s) RETURNING reminder_count`,
  remove: `
WITH s AS (SELECT id FROM spaces WHERE id = $1 FOR UPDATE),
changed AS (
  DELETE FROM reminders WHERE space_id IN (SELECT id FROM s) AND user_id = $2
  RETURNING 1
)
UPDATE spaces SET reminder_count = reminder_count - (SELECT count(*) FROM changed)
WHERE id IN (SELECT id FROM s) RETURNING reminder_count`,
} as const;
