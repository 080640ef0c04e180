/**
 * Being on stage: the stage socket (room state + commands), your mic (starts MUTED) published
 * over WHIP; the other speakers' forwarded audio plays through the publisher's <audio> elements.
 * Lifecycle: created when your role is host/co-host/speaker, close() (idempotent) when you
 * leave the stage, the Space ends or the screen changes.
 */
import type { SpaceId } from '../../../../src/protocol/ids.js';
import type { StageServerMessage } from '../../../../src/protocol/stage.js';
import { socketUrl } from '../api.js';
import { closeReason, readableError } from '../errors.js';
import { getSession } from '../session.js';
import { Mic } from './mic.js';
import { StageLink } from './stage-link.js';
import { StageSocket } from './stage-socket.js';
import { micPanel } from './mic-panel.js';
import type { RoomActions } from './actions.js';
import type { RoomStore } from './state.js';

export interface StageMode {
  /** the mic panel (LIVE/MUTED, toggle, meter) */
  el: HTMLElement;
  actions: RoomActions;
  /** asks for the mic and publishes it (muted); call soon after a click */
  connectMic(): Promise<void>;
  /** `release` false: the server already let go of your media session (role change, end) */
  close(release?: boolean): void;
}

export function stageMode(spaceId: SpaceId, store: RoomStore, notify: RoomActions['notify']): StageMode {
  let closed = false;
  let mic: Mic | null = null;

  const onMessage = (msg: StageServerMessage): void => {
    if (msg.type === 'error') {
      // errors with a ref are shown by whoever sent the command
      if (msg.ref === undefined) notify(readableError(msg.code, msg.message), 'error');
      return;
    }
    store.applyMessage(msg);
    // on (re)connect: if the server thinks we are unmuted while our track is off, say so,
    // so the room never shows a mic as open when it is not (and vice versa)
    if (msg.type === 'welcome') {
      const me = msg.snapshot.stage.find((m) => m.userId === msg.you.userId);
      if (me && !me.muted && !(mic?.live ?? false))
        void ws.send({ type: 'mute_self' }).catch(() => undefined);
    }
  };
  const ws = new StageSocket({
    url: socketUrl(`/v1/spaces/${encodeURIComponent(spaceId)}/stage`),
    onMessage,
    onStatus: (status, code) => {
      if (status === 'connecting' && !closed) notify('Connecting to the stage…', 'info');
      if (status === 'open') notify('', 'info');
      if (status !== 'closed' || code === undefined || closed) return;
      if (store.state.ended || store.state.removed) return;
      if (code === 4410) store.update({ ended: { reason: 'ended' } });
      else if (code !== 1000) notify(`${closeReason(code)} (stage connection closed)`, 'error');
    },
  });

  const actions: RoomActions = {
    stage: (cmd) => ws.send(cmd),
    audience: () => notify('That is for listeners.', 'error'),
    notify,
  };

  const link = new StageLink({
    whipUrl: new URL(`/v1/spaces/${encodeURIComponent(spaceId)}/whip`, location.href).href,
    token: () => getSession()?.token ?? '',
    actions,
    onChange: () => panel.link(link.troubled ? { wantLive: link.wantLive } : null),
    log: (line) => console.info(`[rostra] ${line}`),
  });
  const dropMic = (release = true): void => {
    panel.detach();
    link.close(release);
    mic?.close();
    mic = null;
  };
  let connecting: Promise<void> | null = null;
  const connect = (): Promise<void> => (connecting ??= doConnect().finally(() => (connecting = null)));
  const doConnect = async (): Promise<void> => {
    if (mic) return;
    const m = await Mic.open();
    if (closed) {
      m.close();
      return;
    }
    mic = m;
    try {
      // the others on stage play through the publisher's own <audio> elements
      await link.start(m);
    } catch (err) {
      panel.detach();
      mic = null;
      m.close();
      throw err;
    }
    panel.attach(m);
  };
  const panel = micPanel(actions, connect, () => link.stayMuted());

  // a host's mute wins locally at once (the track is disabled on the snapshot that says so)
  const unsub = store.subscribe((s) => {
    const me = s.snapshot.stage.find((m) => m.userId === s.me);
    if (!me) return;
    // first: a room that no longer has my session means the link is lost (takes the intent
    // before the restored "muted" below turns the track off)
    link.roomSays(me.connected);
    panel.spaceState(s.snapshot.space.state);
    if (panel.serverMuted(me.muted)) notify('A host muted you. Unmute when you want to talk again.', 'info');
  });

  ws.connect();
  return {
    el: panel.el,
    actions,
    connectMic: connect,
    close(release = true) {
      if (closed) return;
      closed = true;
      unsub();
      dropMic(release);
      panel.close();
      ws.close();
    },
  };
}
