/**
 * The room screen of a backstage or live Space. One RoomStore holds the state; the mode
 * follows your role: on stage (stage socket + mic) or listening (WsPlayer). A role change
 * swaps the mode (approved / invited up, moved down). `ended` or `removed` closes everything
 * and shows the ended screen. Returns the cleanup the router calls on navigation.
 */
import type { Role, SpaceSnapshot } from '../../../../src/protocol/space.js';
import { h } from '../dom.js';
import { getSession } from '../session.js';
import type { Cleanup } from '../router.js';
import { endedView } from '../screens/ended.js';
import { RoomStore, isModerator, isOnStage } from './state.js';
import type { RoomActions } from './actions.js';
import { run } from './actions.js';
import { stageView } from './stage-view.js';
import { countsView } from './counts.js';
import { reactionsView } from './reactions.js';
import { hostPanel } from './host-panel.js';
import { questionsView } from './questions-view.js';
import { questionQueue } from './question-queue.js';
import { stageMode } from './stage-mode.js';
import type { StageMode } from './stage-mode.js';
import { listenMode } from './listen-mode.js';
import { captionsView } from './captions.js';
import type { ListenMode } from './listen-mode.js';

/** ms an info message stays before it clears itself */
const INFO_MS = 4_000;

export function mountRoom(root: HTMLElement, snapshot: SpaceSnapshot): Cleanup {
  const session = getSession();
  const me = session?.user.id ?? null;
  const onStage =
    me !== null && (snapshot.stage.some((m) => m.userId === me) || snapshot.space.hostId === me);
  const store = new RoomStore({
    snapshot,
    me,
    role: onStage ? (snapshot.stage.find((m) => m.userId === me)?.role ?? 'host') : 'listener',
    requests: [],
    levels: {},
    handRaised: false,
    invited: false,
    ended: null,
    removed: null,
  });
  const spaceId = snapshot.space.id;
  const spacePath = `/space/${encodeURIComponent(spaceId)}`;

  // ---- layout -----------------------------------------------------------------------------
  const alert = h('p', { class: 'room-alert', role: 'alert', 'data-testid': 'room-alert' });
  let alertTimer = 0;
  const notify: RoomActions['notify'] = (text, kind = 'error') => {
    window.clearTimeout(alertTimer);
    alert.textContent = text;
    alert.dataset.kind = kind;
    if (kind === 'info' && text) alertTimer = window.setTimeout(() => (alert.textContent = ''), INFO_MS);
  };
  const title = h('h1', { 'data-testid': 'space-title' });
  const badge = h('span', { class: 'state-badge', 'data-testid': 'space-state' });
  const rec = h(
    'span',
    { class: 'rec-badge', 'data-testid': 'rec-indicator', title: 'This Space is being recorded' },
    'REC',
  );
  const desc = h('p', { class: 'description' });
  const counts = countsView();
  // a polite live region for what changes about YOU (on stage, co-host, host, back in the audience)
  const stageNote = h('p', { class: 'sr-only', role: 'status', 'data-testid': 'stage-note' });
  const modeBox = h('div', { class: 'mode' });
  const hostBox = h('div', {});
  const leave = h(
    'button',
    { type: 'button', class: 'small', 'data-testid': 'leave-stage' },
    'Leave the stage',
  );

  let mode: { kind: 'stage'; m: StageMode } | { kind: 'listen'; m: ListenMode } | null = null;
  const actions: RoomActions = {
    stage: (cmd) => mode?.m.actions.stage(cmd) ?? Promise.reject(new Error('not connected')),
    audience: (cmd) => mode?.m.actions.audience(cmd),
    notify,
  };
  leave.addEventListener('click', () => void run(actions, { type: 'leave_stage' }));
  const stage = stageView(actions);
  const reactions = reactionsView((emoji) =>
    mode?.kind === 'stage'
      ? void run(actions, { type: 'react', emoji })
      : actions.audience({ type: 'react', emoji }),
  );
  const host = hostPanel(spaceId, actions);
  const captions = captionsView();
  const questions = questionsView(spaceId, notify);
  const queue = questionQueue(spaceId, actions);
  root.append(
    h('header', { class: 'room-head' }, h('div', { class: 'row' }, badge, rec, title), desc, counts.el),
    alert,
    stageNote,
    h(
      'div',
      { class: 'room-grid' },
      h('div', { class: 'room-main' }, modeBox, stage.el, captions.el, reactions.el, questions.el),
      h('aside', {}, leave, hostBox),
    ),
  );

  // ---- mode switching ---------------------------------------------------------------------
  const enter = (kind: 'stage' | 'listen', fromGesture: boolean): void => {
    // off the stage by a role change: the server has already closed your media session
    mode?.m.close(false);
    if (kind === 'stage') {
      const m = stageMode(spaceId, store, notify);
      mode = { kind, m };
      modeBox.replaceChildren(m.el);
      if (fromGesture) void m.connectMic().catch(() => undefined);
    } else {
      const m = listenMode(spaceId, store, notify, spacePath);
      mode = { kind, m };
      modeBox.replaceChildren(m.el);
      if (fromGesture) void m.play();
    }
  };

  let lastRole = store.state.role;
  let finished = false;
  const finish = (): void => {
    if (finished) return;
    finished = true;
    mode?.m.close(false);
    mode = null;
    const s = store.state;
    root.replaceChildren(endedView(s.snapshot, s.removed));
  };

  const unsub = store.subscribe((s) => {
    if (s.ended || s.removed) {
      // defer: we may be inside a mode's message handler
      queueMicrotask(finish);
      return;
    }
    const sp = s.snapshot.space;
    title.textContent = sp.title;
    document.title = `${sp.title} · Rostra`;
    badge.textContent = sp.state === 'live' ? 'LIVE' : sp.state === 'backstage' ? 'Backstage' : sp.state;
    badge.dataset.state = sp.state;
    rec.hidden = !sp.recording;
    desc.textContent = sp.description;
    desc.hidden = !sp.description;
    counts.render(s.snapshot.counts, s.snapshot.stage.length);
    stage.render(s);
    captions.render(s);
    questions.render(s.snapshot.questions);
    if (lastRole !== s.role) {
      // say it: a role change arrives without a click of yours (a host's decision)
      const told = roleNotice(lastRole, s.role);
      lastRole = s.role;
      if (told) {
        notify(told, 'info');
        stageNote.textContent = told;
      }
    }
    const wanted = isOnStage(s.role) ? 'stage' : 'listen';
    // a role change arrives right after a click (accept invite) or while you are in the room
    if (mode && mode.kind !== wanted) enter(wanted, true);
    leave.hidden = !(s.role === 'speaker' || s.role === 'cohost');
    if (isModerator(s.role)) {
      if (!hostBox.firstChild) hostBox.append(host.el, queue.el);
      host.render(s);
      queue.render(s.snapshot.questions);
    } else hostBox.replaceChildren();
  });
  store.onReactions(reactions.burst);
  store.onCaptions((c) => captions.add(c, store.state));
  enter(store.state.role === 'listener' ? 'listen' : 'stage', false);

  return () => {
    unsub();
    window.clearTimeout(alertTimer);
    mode?.m.close();
    mode = null;
    finished = true;
  };
}

/** what to tell someone whose role just changed (null when nothing worth saying) */
export function roleNotice(from: Role, to: Role): string | null {
  if (from === to) return null;
  if (to === 'host') return 'You are now the host of this Space.';
  if (to === 'cohost') return 'You are now a co-host: you can manage the stage.';
  if (to === 'speaker' && from === 'listener')
    return 'You are on stage. Your mic starts muted: connect it and unmute to talk.';
  if (to === 'speaker') return 'You are a speaker now (no longer a co-host).';
  return 'You are back in the audience.';
}
