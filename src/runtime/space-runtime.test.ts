import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WebSocket } from 'ws';
import { TypedEmitter } from '../core/events.js';
import { silentLogger } from '../core/log.js';
import { anonymous, makeRoom, user } from '../core/space/testing/fixture.js';
import { WS_READY_STATE } from '../audience/ws/socket.js';
import { CountingSocket } from '../audience/ws/test-kit.js';
import type { StagePlane, StagePlaneEvents } from './stage-plane.js';
import { SpaceRuntime } from './space-runtime.js';

/** the stage plane's port with nothing behind it: these tests are about listeners only */
function idleStage(): StagePlane {
  return {
    events: new TypedEmitter<StagePlaneEvents>(),
    createSession: () => Promise.reject(new Error('no stage here')),
    sessionOwner: () => undefined,
    closeSession: () => Promise.resolve(),
    closeUser: () => {},
    setAudible: () => {},
    openSpace: () => {},
    setSpeechTap: () => {},
    closeSpace: () => {},
    stats: () => ({ frames: 0, lateTicks: 0 }),
    close: () => Promise.resolve(),
  };
}

async function runtime() {
  const f = await makeRoom();
  const rt = new SpaceRuntime(f.room, idleStage(), silentLogger, 3, () => {});
  const attach = (actor: ReturnType<typeof user>) => {
    const socket = new CountingSocket();
    const detach = rt.attachListener(socket as unknown as WebSocket, actor, null);
    return { socket, detach };
  };
  return { f, rt, attach, listening: () => f.room.snapshot().counts.listeningNow };
}

void test('a signed-in listener the fan-out lets go of first is counted out once, as itself', async () => {
  const { rt, attach, listening } = await runtime();
  const alto = attach(user('alto'));
  assert.equal(listening(), 1);
  // the client closed: the fan-out sees the socket closing on its next turn, before ws's 'close'
  alto.socket.readyState = WS_READY_STATE.closing;
  rt.fanout.bulletin({ type: 'counts', counts: { listeningNow: 1, totalJoined: 1 } });
  rt.fanout.flush();
  assert.equal(listening(), 0, 'the drop counted the leave');
  alto.detach(); // then the close event
  assert.equal(listening(), 0, 'and the close did not count it again');
  rt.close();
});

void test('a dropped signed-in listener does not take an anonymous listener out of the count', async () => {
  const { rt, attach, listening } = await runtime();
  const alto = attach(user('alto'));
  const guest = attach(anonymous());
  assert.equal(listening(), 2);
  alto.socket.readyState = WS_READY_STATE.closing;
  rt.fanout.bulletin({ type: 'counts', counts: { listeningNow: 2, totalJoined: 2 } });
  rt.fanout.flush();
  alto.detach();
  assert.equal(listening(), 1);
  // had alto's leave been counted as an anonymous one, the guest's own would be ignored here
  guest.detach();
  assert.equal(listening(), 0);
  rt.close();
});
