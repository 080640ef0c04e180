/**
 * Listening: a TierPlayer plays the mixed stream on the WebSocket tier (the listen socket,
 * /v1/spaces/:id/listen, whose bulletins come back through onMessage into the room store) and
 * moves to LL-HLS by itself when the server asks (switch_tier: overflow, drain) or the socket
 * keeps failing (web/src/player/tier-player.ts). Audio needs a user gesture, so nothing
 * connects until Play. Before that (and after Stop) the room polls the HTTP snapshot every
 * IDLE_POLL_MS; on HLS, which carries no bulletins, every HLS_POLL_MS (the snapshot is
 * cacheable for 2 s, so a CDN or the browser cache absorbs it). The status line names the tier.
 * Lifecycle: close() (idempotent) stops audio, the socket and the poll.
 */
import type { SpaceId } from '../../../../src/protocol/ids.js';
import type { AudienceServerMessage } from '../../../../src/protocol/audience.js';
import { TierPlayer, type TierStatus } from '../../player/tier-player.js';
import { api, socketUrl } from '../api.js';
import { getSession } from '../session.js';
import { describe, readableError } from '../errors.js';
import { listenerPanel } from './listener-panel.js';
import type { ListenerPanel } from './listener-panel.js';
import type { RoomActions } from './actions.js';
import type { RoomStore } from './state.js';

/** ms between snapshot polls while not playing */
const IDLE_POLL_MS = 5_000;
/** ms between snapshot polls while on LL-HLS (no bulletins there; the snapshot is cached 2 s) */
const HLS_POLL_MS = 2_000;
/** ms between player status updates */
const STATUS_MS = 1_000;

const STATE_TEXT: Partial<Record<TierStatus['state'], string>> = {
  connecting: 'Connecting…',
  buffering: 'Buffering…',
  reconnecting: 'Connection lost; reconnecting…',
  switching: 'Moving to the HTTP stream…',
};
const TIER_TEXT = { websocket: 'WebSocket', hls: 'HLS' } as const;

/** the status line: which tier, how far behind, or the place in the waiting room */
export function statusText(st: TierStatus): string {
  if (st.waitingPosition !== null) return `Waiting room: you are number ${st.waitingPosition}`;
  if (st.state === 'playing' && st.tier) {
    const behind = Number.isFinite(st.delayMs) ? ` · ${(st.delayMs / 1000).toFixed(1)} s behind` : '';
    return `Live · ${TIER_TEXT[st.tier]}${behind}`;
  }
  return STATE_TEXT[st.state] ?? '';
}

/** a signed LL-HLS playlist URL for this listener (GET /v1/spaces/:id/media) */
async function hlsUrl(spaceId: SpaceId): Promise<string> {
  const token = getSession()?.token;
  const res = await fetch(`/v1/spaces/${encodeURIComponent(spaceId)}/media`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (!res.ok) throw new Error(`media URLs refused: HTTP ${res.status}`);
  return ((await res.json()) as { hls: string }).hls;
}

export interface ListenMode {
  el: HTMLElement;
  actions: RoomActions;
  /** starts playback; call from a click (or right after one) */
  play(): Promise<void>;
  close(release?: boolean): void;
}

export function listenMode(
  spaceId: SpaceId,
  store: RoomStore,
  notify: RoomActions['notify'],
  spacePath: string,
): ListenMode {
  let closed = false;
  let player: TierPlayer | null = null;
  let lastPoll = 0;

  const onMessage = (msg: AudienceServerMessage): void => {
    if (msg.type === 'error') {
      notify(readableError(msg.code, msg.message), 'error');
      return;
    }
    if (msg.type === 'switch_tier') {
      if (msg.tier !== 'websocket') notify('This room is busy; moving you to the HTTP stream.', 'info');
      return;
    }
    if (msg.type === 'waiting') return; // shown in the status line
    store.applyMessage(msg);
  };

  const stop = (): void => {
    player?.stop();
    player = null;
    delete panel.el.dataset.tier;
    panel.setPlaying('idle');
    panel.setStatus('');
    panel.render(store.state);
  };

  const play = async (): Promise<void> => {
    if (closed || player) return;
    const p = new TierPlayer({
      listenUrl: socketUrl(`/v1/spaces/${encodeURIComponent(spaceId)}/listen`),
      hlsUrl: () => hlsUrl(spaceId),
      onMessage,
      onTier: (tier) => (panel.el.dataset.tier = tier),
      workletUrl: new URL('jitter-worklet.js', document.baseURI).href,
      hlsScriptUrl: new URL('hls.js', document.baseURI).href,
    });
    player = p;
    panel.setPlaying('starting');
    try {
      await p.start();
      if (player !== p) return;
      panel.setPlaying('playing');
      panel.render(store.state);
    } catch (err) {
      if (player === p) {
        player = null;
        p.stop();
      }
      panel.setPlaying('idle');
      notify(`Could not start audio: ${describe(err)}`, 'error');
    }
  };

  const actions: RoomActions = {
    stage: () => Promise.reject(new Error('Only people on stage can do that.')),
    audience: (cmd) => {
      if (!player) {
        notify('Press Play to join the room first.', 'error');
        return;
      }
      // an answered invitation is gone whatever the answer (the server sends no bulletin for it)
      if (cmd.type === 'accept_invite' || cmd.type === 'decline_invite') store.update({ invited: false });
      try {
        if (!player.send(cmd))
          notify('Not available on the HTTP stream; press Play again to rejoin.', 'error');
      } catch (err) {
        notify(describe(err), 'error');
      }
    },
    notify,
  };

  const panel: ListenerPanel = listenerPanel(actions, () => void play(), stop, spacePath);
  const unsub = store.subscribe((s) => panel.render(s));

  const poll = window.setInterval(() => {
    const onHls = player?.tier === 'hls';
    if ((player && !onHls) || closed) return;
    if (Date.now() - lastPoll < (onHls ? HLS_POLL_MS : IDLE_POLL_MS) - 100) return;
    lastPoll = Date.now();
    api
      .getSpace(spaceId)
      .then((snapshot) => {
        if ((!player || player.tier === 'hls') && !closed) store.update({ snapshot });
        if (snapshot.space.state === 'ended') store.update({ ended: { reason: 'ended' } });
      })
      .catch(() => undefined);
  }, 1_000);

  const statusTimer = window.setInterval(() => {
    if (!player) return;
    const st = player.status();
    if (st.state === 'ended' && !store.state.ended && !store.state.removed) {
      // refused or closed for good without a bulletin (e.g. sign-in required, banned)
      player.stop();
      player = null;
      panel.setPlaying('idle');
      panel.setStatus('');
      delete panel.el.dataset.tier;
      // say why when the reason is one a person can act on (banned, sign-in only)
      void api
        .access(spaceId)
        .then((a) => {
          if (!a.allowed && a.code === 'banned') store.update({ removed: 'banned' });
          else if (!a.allowed) notify(readableError(a.code), 'error');
          else notify('The server closed the stream. Press Play to try again.', 'error');
        })
        .catch(() => notify('The server closed the stream. Press Play to try again.', 'error'));
      return;
    }
    panel.setStatus(statusText(st));
  }, STATUS_MS);

  return {
    el: panel.el,
    actions,
    play,
    close() {
      if (closed) return;
      closed = true;
      window.clearInterval(poll);
      window.clearInterval(statusTimer);
      unsub();
      player?.stop();
      player = null;
    },
  };
}
