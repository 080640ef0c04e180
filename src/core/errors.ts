import { ERRORS, type ErrorCode } from '../protocol/errors.js';

/** The one error type the domain throws for refusals. Transports map `code` via ERRORS. */
export class RostraError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown; details?: unknown }) {
    super(
      message ?? ERRORS[code].message,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'RostraError';
    this.code = code;
    this.details = options?.details;
  }

  get httpStatus(): number {
    return ERRORS[this.code].http;
  }

  get wsCloseCode(): number {
    return ERRORS[this.code].ws;
  }
}

export const isRostraError = (e: unknown): e is RostraError => e instanceof RostraError;
