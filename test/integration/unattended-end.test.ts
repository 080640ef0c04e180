/**
 * A live Space whose host closed the tab with nobody else on stage ends by itself after
 * --unattended-end-ms (docs/lifecycles.md), on the real server: the lobby stops listing it as
 * live and its listeners get `ended`. A host who comes back in time keeps it live.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, signUp, startTestServer, TestSocket } from '../helpers/server.js';

const liveIds = async (base: string): Promise<string[]> =>
  ((await api(base, 'GET', '/v1/spaces?state=live')).body.spaces as { id: string }[]).map((s) => s.id);

void test('a live Space with nobody on stage connected ends after --unattended-end-ms; the host coming back first keeps it', async () => {
  const server = await startTestServer({ unattendedEndMs: 6000 });
  try {
    const host = await signUp(server.url, 'host');
    const open = async (): Promise<string> => {
      const res = await api(server.url, 'POST', '/v1/spaces', {
        token: host.token,
        body: { title: 'left open' },
      });
      const id = res.body.space.id as string;
      const stage = await TestSocket.open(server.url, `/v1/spaces/${id}/stage`, host.token);
      await stage.waitType('welcome');
      assert.equal((await stage.command({ type: 'go_live' })).type, 'ack');
      stage.close(); // the host closes the tab
      return id;
    };
    const abandoned = await open();
    const listener = await TestSocket.open(server.url, `/v1/spaces/${abandoned}/listen`);
    await listener.waitType('welcome');
    const kept = await open();
    // the host of `kept` comes back within the time
    const back = await TestSocket.open(server.url, `/v1/spaces/${kept}/stage`, host.token);
    await back.waitType('welcome');
    assert.ok((await liveIds(server.url)).includes(abandoned), 'still live before the time');
    const ended = await listener.waitType('ended', 15_000);
    assert.equal(ended.reason, 'unattended');
    const space = (await api(server.url, 'GET', `/v1/spaces/${abandoned}`)).body.space;
    assert.equal(space.state, 'ended');
    assert.ok(!(await liveIds(server.url)).includes(abandoned), 'the lobby no longer lists it as live');
    await new Promise((r) => setTimeout(r, 6500));
    assert.ok((await liveIds(server.url)).includes(kept), 'the Space whose host came back is live');
    back.close();
    listener.close();
  } finally {
    await server.stop();
  }
});
