import type { z } from 'zod';
import { RostraError } from '../../core/errors.js';

/** Validates an already-parsed value; refusals are `invalid_field` with the failing paths. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 5).map((i) => ({ path: i.path.join('.'), message: i.message }));
  throw new RostraError('invalid_field', undefined, { details: issues });
}

/** Parses a JSON text message from a socket: size limit, JSON syntax, then the schema. */
export function parseJsonMessage<S extends z.ZodType>(schema: S, raw: string, maxBytes: number): z.output<S> {
  if (Buffer.byteLength(raw) > maxBytes) throw new RostraError('payload_too_large');
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (cause) {
    throw new RostraError('bad_request', 'the message is not valid JSON', { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RostraError('bad_request', 'the message must be a JSON object');
  }
  return validate(schema, value);
}
