/**
 * HTTP-framework-agnostic LL-HLS origin: maps a path below the Space's HLS root and its query
 * to `{ status, headers, body }`. The caller (the app's HTTP layer) has ALREADY authorised the
 * request (signed token in a path segment or cookie, checked before calling); this module
 * never sees credentials. URIs inside playlists are relative, so a tokenised path prefix
 * carries over to every part and segment.
 *
 *   master.m3u8                multivariant playlist (one audio variant, CODECS="opus")
 *   playlist.m3u8              media playlist; ?_HLS_msn=M[&_HLS_part=P] blocks (bounded)
 *   init.mp4                   fMP4 init segment
 *   seg-M.m4s / part-M.P.m4s   segment / part; a part or segment at the live edge blocks
 *
 * Cache rules (CDN-correct): media and init are immutable for a year; a playlist may be
 * cached 1 s (a blocking response a little longer: its URL names the part it waited for);
 * errors and misses are `no-store` so a CDN never caches a 404 for a part about to exist.
 */
import { ERRORS, type ErrorCode } from '../../protocol/errors.js';
import type { HlsStream } from './hls-stream.js';
import { INIT_NAME, MULTIVARIANT_NAME, PLAYLIST_NAME } from './types.js';

export interface HlsResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | string;
}

export type HlsQuery = URLSearchParams | Record<string, string | undefined>;

export const HLS_CONTENT_TYPES = {
  playlist: 'application/vnd.apple.mpegurl',
  media: 'audio/mp4',
} as const;

export const HLS_CACHE = {
  immutable: 'public, max-age=31536000, immutable',
  playlist: 'public, max-age=1',
  blockedPlaylist: 'public, max-age=2',
  endedPlaylist: 'public, max-age=3600',
  none: 'no-store',
} as const;

const get = (q: HlsQuery, key: string): string | undefined =>
  q instanceof URLSearchParams ? (q.get(key) ?? undefined) : q[key];

function error(code: ErrorCode, message?: string, status?: number): HlsResponse {
  return {
    status: status ?? ERRORS[code].http,
    headers: { 'content-type': 'application/json', 'cache-control': HLS_CACHE.none },
    body: JSON.stringify({ error: { code, message: message ?? ERRORS[code].message } }),
  };
}

function media(body: Uint8Array): HlsResponse {
  return {
    status: 200,
    headers: { 'content-type': HLS_CONTENT_TYPES.media, 'cache-control': HLS_CACHE.immutable },
    body,
  };
}

function playlist(body: string, cache: string): HlsResponse {
  return {
    status: 200,
    headers: { 'content-type': HLS_CONTENT_TYPES.playlist, 'cache-control': cache },
    body,
  };
}

/** a non-negative decimal integer, else undefined */
function uint(s: string | undefined): number | undefined {
  return s !== undefined && /^\d{1,9}$/.test(s) ? Number(s) : undefined;
}

export async function handleHlsRequest(
  stream: HlsStream,
  path: string,
  query: HlsQuery = {},
): Promise<HlsResponse> {
  const name = path.replace(/^\/+/, '');
  if (name === MULTIVARIANT_NAME) return playlist(stream.multivariant, HLS_CACHE.endedPlaylist);
  if (name === INIT_NAME) return media(stream.init);
  if (name === PLAYLIST_NAME) return mediaPlaylist(stream, query);
  let m = /^part-(\d{1,9})\.(\d{1,4})\.m4s$/.exec(name);
  if (m) return part(stream, Number(m[1]), Number(m[2]));
  m = /^seg-(\d{1,9})\.m4s$/.exec(name);
  if (m) return segment(stream, Number(m[1]));
  return error('not_found');
}

async function mediaPlaylist(stream: HlsStream, query: HlsQuery): Promise<HlsResponse> {
  const rawMsn = get(query, '_HLS_msn');
  const rawPart = get(query, '_HLS_part');
  if (rawMsn === undefined) {
    if (rawPart !== undefined) return error('bad_request', '_HLS_part requires _HLS_msn');
    return playlist(stream.playlist(), stream.ended ? HLS_CACHE.endedPlaylist : HLS_CACHE.playlist);
  }
  const msn = uint(rawMsn);
  const part = rawPart === undefined ? undefined : uint(rawPart);
  if (msn === undefined || (rawPart !== undefined && part === undefined)) {
    return error('bad_request', '_HLS_msn and _HLS_part must be non-negative integers');
  }
  // spec: a request more than two segments past the last one in the playlist is refused
  const lastComplete = stream.openMsn - 1;
  if (!stream.ended && msn > lastComplete + 2) {
    return error('bad_request', `_HLS_msn ${msn} is too far ahead of the live edge (${stream.openMsn})`);
  }
  const text = await stream.waitForPlaylist(msn, part);
  if (text === null) return error('server_busy', 'the requested part was not produced in time', 503);
  return playlist(text, stream.ended ? HLS_CACHE.endedPlaylist : HLS_CACHE.blockedPlaylist);
}

/** A part at or just past the live edge (the preload hint) is waited for; others 404 at once. */
async function part(stream: HlsStream, msn: number, index: number): Promise<HlsResponse> {
  const have = stream.getPart(msn, index);
  if (have) return media(have.bytes);
  if (index >= stream.partsPerSegment || stream.ended || !isNearEdge(stream, msn, index))
    return error('not_found');
  const waited = await stream.waitForPart(msn, index);
  return waited ? media(waited.bytes) : error('not_found', 'the part was not produced in time');
}

async function segment(stream: HlsStream, msn: number): Promise<HlsResponse> {
  let seg = stream.getSegment(msn);
  if (!seg && msn === stream.openMsn && !stream.ended) {
    await stream.waitFor(() => stream.hasSegment(msn));
    seg = stream.getSegment(msn);
  }
  return seg?.bytes ? media(seg.bytes) : error('not_found');
}

/** true for the next part to be produced, or the one after it (a client a little ahead) */
function isNearEdge(stream: HlsStream, msn: number, index: number): boolean {
  const ahead = (msn - stream.openMsn) * stream.partsPerSegment + (index - stream.openParts);
  return ahead >= 0 && ahead <= 1;
}
