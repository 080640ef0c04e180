import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { ERRORS, type ErrorBody, type ErrorCode } from '../../protocol/errors.js';
import { isRostraError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';

export function sendError(
  reply: FastifyReply,
  code: ErrorCode,
  message?: string,
  details?: unknown,
): FastifyReply {
  const body: ErrorBody = { error: { code, message: message ?? ERRORS[code].message } };
  if (details !== undefined) body.error.details = details;
  return reply.code(ERRORS[code].http).type('application/json').send(body);
}

/** Fastify's own error codes for bad input, mapped to the catalog. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'bad_request',
  FST_ERR_CTP_INVALID_JSON_BODY: 'bad_request',
  FST_ERR_VALIDATION: 'invalid_field',
};

/** Every error leaves as `{ error: { code, message } }` with the catalog's status; 5xx are logged. */
export function installErrorHandlers(app: FastifyInstance, log: Logger): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isRostraError(error)) return sendError(reply, error.code, error.message, error.details);
    const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (mapped) return sendError(reply, mapped);
    if (error instanceof SyntaxError || error.statusCode === 400) return sendError(reply, 'bad_request');
    if (error.statusCode === 413) return sendError(reply, 'payload_too_large');
    if (error.statusCode === 415) return sendError(reply, 'unsupported_media_type');
    log.error({ err: error, url: request.url, method: request.method }, 'unhandled error in request');
    return sendError(reply, 'internal');
  });
  app.setNotFoundHandler((_request, reply) => sendError(reply, 'not_found'));
}
