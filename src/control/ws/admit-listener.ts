import type { WebSocket } from 'ws';
import type { AudienceServerMessage } from '../../protocol/audience.js';
import type { Ticket } from '../admission.js';
import type { ControlDeps, RoomHandle } from '../ports.js';
import { sendJson } from './send.js';

const NO_TICKET: Ticket = { release: () => undefined };

/**
 * Runs a listen socket through admission control (../admission.ts) before it joins the fan-out.
 * Returns the Ticket to release on close, or null when the socket is not to be attached: it
 * was moved to LL-HLS (`switch_tier`, then closed 1000) or closed while it waited. While it
 * waits it gets `{type:'waiting', position}` (1 = next) about once a second. Refusals
 * (too_many_requests, server_busy) are thrown as RostraError, which the caller turns into
 * `{type:'error'}` + a retryable close code.
 */
export async function admitListener(
  deps: ControlDeps,
  ws: WebSocket,
  room: RoomHandle,
  userId: string | null,
  address: string,
): Promise<Ticket | null> {
  const admission = deps.admission;
  if (!admission) return NO_TICKET;
  const media = deps.media;
  const aborted = new AbortController();
  const onClose = (): void => aborted.abort();
  ws.once('close', onClose);
  let result;
  try {
    result = await admission.join({
      address,
      userId,
      canOverflow: media !== undefined && room.state === 'live',
      onPosition: (position) => sendJson(ws, { type: 'waiting', position } satisfies AudienceServerMessage),
      signal: aborted.signal,
    });
  } catch (e) {
    if (aborted.signal.aborted) return null;
    throw e;
  } finally {
    ws.off('close', onClose);
  }
  if (result.kind === 'overflow') {
    if (!media) return null; // canOverflow was false: cannot happen
    const { token } = media.tokens.issue(room.id);
    const msg: AudienceServerMessage = {
      type: 'switch_tier',
      tier: 'hls',
      url: `/v1/spaces/${room.id}/hls/${token}/playlist.m3u8`,
      reason: 'overflow',
    };
    sendJson(ws, msg);
    ws.close(1000, 'switch_tier');
    return null;
  }
  if (ws.readyState !== ws.OPEN) {
    result.ticket.release();
    return null;
  }
  return result.ticket;
}
