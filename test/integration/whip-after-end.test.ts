/**
 * DELETE of a WHIP session after its Space ended: the session ended with the Space, so the
 * DELETE's goal already holds and it answers 204 (docs/protocol.md), not a 409 a client would
 * log as a failure on every stage exit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, signUp, startTestServer, TestSocket } from '../helpers/server.js';
import { publishTone } from '../helpers/werift-speaker.js';

void test('DELETE /v1/spaces/:id/whip/:session answers 204 after the Space ended: the session ended with it', async () => {
  const server = await startTestServer({});
  const host = await signUp(server.url, 'host');
  const created = await api(server.url, 'POST', '/v1/spaces', { token: host.token, body: { title: 'whip' } });
  const spaceId = created.body.space.id as string;
  const stage = await TestSocket.open(server.url, `/v1/spaces/${spaceId}/stage`, host.token);
  try {
    await stage.waitType('welcome');
    assert.equal((await stage.command({ type: 'go_live' })).type, 'ack');
    const speaker = await publishTone(server.url, spaceId, host.token);
    assert.equal((await stage.command({ type: 'end_space' })).type, 'ack');
    const ended = await api(server.url, 'DELETE', speaker.location, { token: host.token });
    assert.equal(ended.status, 204, JSON.stringify(ended.body));
    await speaker.close();
    // other routes still refuse an ended Space with its code
    const offer = await api(server.url, 'POST', `/v1/spaces/${spaceId}/whip`, {
      token: host.token,
      raw: 'v=0\r\n',
      contentType: 'application/sdp',
    });
    assert.equal(offer.body.error.code, 'space_ended');
  } finally {
    stage.close();
    await server.stop();
  }
});
