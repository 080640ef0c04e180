/**
 * Client-side form checks, mirroring the server's limits so people see the problem before a
 * round trip. The server still validates everything; these only return messages per field.
 */
import { LIMITS } from '../../../src/protocol/limits.js';

export type FieldErrors = Record<string, string>;

export function validateCredentials(handle: string, password: string): FieldErrors {
  const errors: FieldErrors = {};
  if (!LIMITS.handlePattern.test(handle)) {
    errors.handle = 'Use 3–32 characters: lowercase letters, digits or _.';
  }
  if (password.length < LIMITS.minPasswordLength) {
    errors.password = `Use at least ${LIMITS.minPasswordLength} characters.`;
  } else if (password.length > LIMITS.maxPasswordLength) {
    errors.password = `Use at most ${LIMITS.maxPasswordLength} characters.`;
  }
  return errors;
}

export interface SpaceForm {
  title: string;
  description: string;
  /** value of a datetime-local input; '' = start now */
  startAt: string;
}

/** Returns errors and, when valid, the parsed start time (ms since epoch) or null for "now". */
export function validateSpaceForm(
  form: SpaceForm,
  now = Date.now(),
): { errors: FieldErrors; scheduledFor: number | null } {
  const errors: FieldErrors = {};
  const title = form.title.trim();
  if (!title) errors.title = 'Give your Space a title.';
  else if (title.length > LIMITS.maxTitleLength) {
    errors.title = `Keep the title under ${LIMITS.maxTitleLength} characters.`;
  }
  if (form.description.length > LIMITS.maxDescriptionLength) {
    errors.description = `Keep the description under ${LIMITS.maxDescriptionLength} characters.`;
  }
  let scheduledFor: number | null = null;
  if (form.startAt) {
    const t = new Date(form.startAt).getTime();
    if (Number.isNaN(t)) errors.startAt = 'That is not a valid date and time.';
    else if (t <= now) errors.startAt = 'Pick a time in the future, or leave it empty to start now.';
    else if (t - now > LIMITS.maxScheduleAheadMs)
      errors.startAt = 'Spaces can be scheduled up to 14 days ahead.';
    else scheduledFor = t;
  }
  return { errors, scheduledFor };
}
