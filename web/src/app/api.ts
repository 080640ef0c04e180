/**
 * A small HTTP client for /v1. Every refusal becomes an ApiError with the server's stable code;
 * a fetch failure becomes code 'network'. The token comes from the session store.
 */
import type {
  AuthResponse,
  CreateAccountRequest,
  CreateSpaceRequest,
  EditSpaceRequest,
  ListenerPage,
  PublicUser,
  SignInRequest,
  SpaceAccess,
  SpaceListResponse,
} from '../../../src/protocol/api.js';
import type { ClipRequest, ReplayTimeline } from '../../../src/protocol/recording.js';
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
  listSpaces: (state: 'live' | 'scheduled' | 'ended', fresh = false) =>
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
  editSpace: (id: SpaceId, req: EditSpaceRequest) =>
    call<{ space: SpaceInfo }>('PATCH', `/v1/spaces/${sid(id)}`, req).then((r) => r.space),
  /** may I join (not banned, signed in where the Space asks for it)? */
  access: (id: SpaceId) => call<SpaceAccess>('GET', `/v1/spaces/${sid(id)}/access`, undefined, true),
  /** one page of the signed-in listeners (hosts and co-hosts) */
  listeners: (id: SpaceId, q: string, cursor: number) =>
    call<ListenerPage>(
      'GET',
      `/v1/spaces/${sid(id)}/listeners?${new URLSearchParams({ q, cursor: String(cursor), limit: '20' }).toString()}`,
      undefined,
      true,
    ),
  /** an account by handle (user_not_found when there is none) */
  user: (handle: string) =>
    call<{ user: PublicUser }>('GET', `/v1/users/${encodeURIComponent(handle)}`).then((r) => r.user),
  timeline: (id: SpaceId) => call<ReplayTimeline>('GET', `/v1/spaces/${sid(id)}/replay/timeline`),
  /** an Ogg/Opus clip of the replay, as a Blob */
  clip: async (id: SpaceId, req: ClipRequest): Promise<Blob> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const token = getSession()?.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let res: Response;
    try {
      res = await fetch(`/v1/spaces/${sid(id)}/clips`, {
        method: 'POST',
        headers,
        body: JSON.stringify(req),
      });
    } catch {
      throw new ApiError('network', 'network error');
    }
    if (!res.ok) {
      const err = ((await res.json().catch(() => null)) as Partial<ErrorBody> | null)?.error;
      throw new ApiError(
        err && isErrorCode(err.code) ? err.code : 'internal',
        err?.message ?? `HTTP ${res.status}`,
      );
    }
    return res.blob();
  },
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
