/**
 * Listening: the WsPlayer owns the listen socket (/v1/spaces/:id/listen) and plays the mixed
 * stream; bulletins come back through onMessage into the room store. Audio needs a user
 * gesture, so nothing connects until Play. Before that (and after Stop) the room polls the
 * HTTP snapshot every POLL_MS so counts and stage stay fresh.
 * Lifecycle: close() (idempotent) stops audio, the socket and the poll.
 */
import type { SpaceId } from '../../../../src/protocol/ids.js';
import type { AudienceServerMessage } from '../../../../src/protocol/audience.js';
import { WsPlayer } from '../../player/ws-player.js';
import type { PlayerState } from '../../player/ws-player.js';
import { api, socketUrl } from '../api.js';
import { describe, readableError } from '../errors.js';
import { listenerPanel } from './listener-panel.js';
import type { ListenerPanel } from './listener-panel.js';
import type { RoomActions } from './actions.js';
import type { RoomStore } from './state.js';

/** ms between snapshot polls while not connected */
const POLL_MS = 5_000;
/** ms between player status updates */
const STATUS_MS = 1_000;

const STATE_TEXT: Partial<Record<PlayerState, string>> = {
  connecting: 'Connecting…',
  buffering: 'Buffering…',
  reconnecting: 'Connection lost; reconnecting…',
};

export interface ListenMode {
  el: HTMLElement;
  actions: RoomActions;
  /** starts playback; call from a click (or right after one) */
  play(): Promise<void>;
  close(): void;
}

export function listenMode(
  spaceId: SpaceId,
  store: RoomStore,
  notify: RoomActions['notify'],
  spacePath: string,
): ListenMode {
  let closed = false;
  let player: WsPlayer | null = null;

  const onMessage = (msg: AudienceServerMessage): void => {
    if (msg.type === 'error') {
      notify(readableError(msg.code, msg.message), 'error');
      return;
    }
    if (msg.type === 'switch_tier') {
      notify('The server asked to move you to another stream; reconnecting.', 'info');
      return;
    }
    store.applyMessage(msg);
  };

  const stop = (): void => {
    player?.stop();
    player = null;
    panel.setPlaying('idle');
    panel.setStatus('');
    panel.render(store.state);
  };

  const play = async (): Promise<void> => {
    if (closed || player) return;
    const p = new WsPlayer({
      url: socketUrl(`/v1/spaces/${encodeURIComponent(spaceId)}/listen`),
      onMessage,
      workletUrl: new URL('jitter-worklet.js', document.baseURI).href,
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
        player.send(cmd);
      } catch (err) {
        notify(describe(err), 'error');
      }
    },
    notify,
  };

  const panel: ListenerPanel = listenerPanel(actions, () => void play(), stop, spacePath);
  const unsub = store.subscribe((s) => panel.render(s));

  const poll = window.setInterval(() => {
    if (player || closed) return;
    api
      .getSpace(spaceId)
      .then((snapshot) => {
        if (!player && !closed) store.update({ snapshot });
        if (snapshot.space.state === 'ended') store.update({ ended: { reason: 'ended' } });
      })
      .catch(() => undefined);
  }, POLL_MS);

  const statusTimer = window.setInterval(() => {
    if (!player) return;
    const st = player.stats();
    if (st.state === 'ended' && !store.state.ended && !store.state.removed) {
      // refused or closed for good without a bulletin (e.g. sign-in required, banned)
      player.stop();
      player = null;
      panel.setPlaying('idle');
      panel.setStatus('');
      notify('The server closed the stream. Press Play to try again.', 'error');
      return;
    }
    const text =
      STATE_TEXT[st.state] ??
      (st.state === 'playing' ? `Live · ${(st.delayMs / 1000).toFixed(1)} s behind` : '');
    panel.setStatus(text);
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
