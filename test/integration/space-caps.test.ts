/**
 * One account cannot exhaust a node with Spaces (docs/security.md): at most
 * LIMITS.maxOpenSpacesPerAccount backstage or live, LIMITS.maxScheduledSpacesPerAccount
 * scheduled; past either the answer is too_many_spaces and nothing is created or opened.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { LIMITS } from '../../src/protocol/limits.js';
import { api, signUp, startTestServer, TestSocket, type TestServer } from '../helpers/server.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.stop();
});

const create = (token: string, body: object) => api(server.url, 'POST', '/v1/spaces', { token, body });

test('an account holds at most the open-Space cap; ending one frees a place', async () => {
  const host = await signUp(server.url, 'host');
  const ids: string[] = [];
  for (let i = 0; i < LIMITS.maxOpenSpacesPerAccount; i++) {
    const res = await create(host.token, { title: `Room ${i}` });
    assert.equal(res.status, 201);
    ids.push(res.body.space.id as string);
  }
  const over = await create(host.token, { title: 'One too many' });
  assert.equal(over.status, 409);
  assert.equal(over.body.error.code, 'too_many_spaces');
  const other = await signUp(server.url, 'other');
  assert.equal((await create(other.token, { title: 'Someone else' })).status, 201, 'per account');

  const stage = await TestSocket.open(server.url, `/v1/spaces/${ids[0]}/stage`, host.token);
  await stage.waitType('welcome');
  assert.equal((await stage.command({ type: 'end_space' })).type, 'ack');
  stage.close();
  assert.equal((await create(host.token, { title: 'Again' })).status, 201);
});

test('scheduled Spaces have their own cap, and opening one counts against the open cap', async () => {
  const host = await signUp(server.url, 'host');
  const at = Date.now() + 3_600_000;
  const scheduled: string[] = [];
  for (let i = 0; i < LIMITS.maxScheduledSpacesPerAccount; i++) {
    const res = await create(host.token, { title: `Later ${i}`, scheduledFor: at + i });
    assert.equal(res.status, 201);
    scheduled.push(res.body.space.id as string);
  }
  const over = await create(host.token, { title: 'Later still', scheduledFor: at });
  assert.equal(over.body.error.code, 'too_many_spaces');

  for (let i = 0; i < LIMITS.maxOpenSpacesPerAccount; i++)
    assert.equal((await create(host.token, { title: `Now ${i}` })).status, 201);
  const open = await api(server.url, 'POST', `/v1/spaces/${scheduled[0]}/open`, { token: host.token });
  assert.equal(open.status, 409);
  assert.equal(open.body.error.code, 'too_many_spaces');
  const still = await api(server.url, 'GET', `/v1/spaces/${scheduled[0]}`);
  assert.equal(still.body.space.state, 'scheduled', 'nothing changed');
});
