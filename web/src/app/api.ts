/**
 * A small HTTP client for /v1. Every refusal becomes an ApiError with the server's stable code;
 * a fetch failure becomes code 'network'. The token comes from the session store.
 */
import type {
  AuthResponse,
  CreateAccountRequest,
  CreateSpaceRequest,
  SignInRequest,
  SpaceListResponse,
} from '../../../src/protocol/api.js';
import type { ErrorBody } from '../../../src/protocol/errors.js';
import { isErrorCode } from '../../../src/protocol/errors.js';
import type { QuestionId, SpaceId } from '../../../src/protocol/ids.js';
import type { QuestionListResponse } from '../../../src/protocol/questions.js';
import type { SpaceInfo, SpaceSnapshot } from '../../../src/protocol/space.js';
import type { StageClientMessage } from '../../../src/protocol/stage.js';
import { ApiError } from './errors.js';
import { getSession } from './session.js';

/** `fresh`: skip the browser's HTTP cache (the server lets snapshots be cached for a few seconds) */
async function call<T>(method: string, path: string, body?: unknown, fresh = false): Promise<T> {
  const headers: Record<string, string> = {};
  const token = getSession()?.token;
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: fresh ? 'no-cache' : 'default',
    });
  } catch {
    throw new ApiError('network', 'network error');
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    const err = (json as Partial<ErrorBody> | null)?.error;
    const code = err && isErrorCode(err.code) ? err.code : res.status === 404 ? 'not_found' : 'internal';
    throw new ApiError(code, err?.message ?? `HTTP ${res.status}`, res.status);
  }
  return json as T;
}

const sid = (id: SpaceId): string => encodeURIComponent(id);

export const api = {
  signUp: (req: CreateAccountRequest) => call<AuthResponse>('POST', '/v1/accounts', req),
  signIn: (req: SignInRequest) => call<AuthResponse>('POST', '/v1/sessions', req),
  listSpaces: (state: 'live' | 'scheduled', fresh = false) =>
    call<SpaceListResponse>('GET', `/v1/spaces?state=${state}`, undefined, fresh).then((r) => r.spaces),
  createSpace: (req: CreateSpaceRequest) =>
    call<{ space: SpaceInfo }>('POST', '/v1/spaces', req).then((r) => r.space),
  getSpace: (id: SpaceId, fresh = false) =>
    call<SpaceSnapshot>('GET', `/v1/spaces/${sid(id)}`, undefined, fresh),
  openSpace: (id: SpaceId) =>
    call<{ space: SpaceInfo }>('POST', `/v1/spaces/${sid(id)}/open`).then((r) => r.space),
  action: (id: SpaceId, msg: StageClientMessage) =>
    call<{ ok: true }>('POST', `/v1/spaces/${sid(id)}/actions`, msg),
  ask: (id: SpaceId, text: string) => call<{ ok: true }>('POST', `/v1/spaces/${sid(id)}/questions`, { text }),
  upvote: (id: SpaceId, q: QuestionId) =>
    call<{ ok: true }>('POST', `/v1/spaces/${sid(id)}/questions/${encodeURIComponent(q)}/vote`),
  questions: (id: SpaceId) =>
    call<QuestionListResponse>('GET', `/v1/spaces/${sid(id)}/questions`, undefined, true),
  remind: (id: SpaceId, on: boolean) =>
    call<{ reminderCount: number }>(on ? 'PUT' : 'DELETE', `/v1/spaces/${sid(id)}/reminder`),
};

/** ws:// or wss:// URL for a path on this origin, with the token if signed in. */
export function socketUrl(path: string): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const token = getSession()?.token;
  const q = token ? `?token=${encodeURIComponent(token)}` : '';
  return `${proto}//${location.host}${path}${q}`;
}
