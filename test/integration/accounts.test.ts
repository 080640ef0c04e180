import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, signUp, startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.stop();
});

test('a person signs up, signs in and is recognised by their token', async () => {
  const up = await api(server.url, 'POST', '/v1/accounts', {
    body: { handle: 'ada_l', password: 'analytical engine' },
  });
  assert.equal(up.status, 201);
  assert.equal(up.body.user.handle, 'ada_l');
  assert.equal(typeof up.body.token, 'string');

  const inn = await api(server.url, 'POST', '/v1/sessions', {
    body: { handle: 'ada_l', password: 'analytical engine' },
  });
  assert.equal(inn.status, 200);
  const me = await api(server.url, 'GET', '/v1/me', { token: inn.body.token });
  assert.equal(me.status, 200);
  assert.equal(me.body.user.id, up.body.user.id);
});

test('a taken handle is refused with handle_taken', async () => {
  const first = await signUp(server.url, 'dup');
  const again = await api(server.url, 'POST', '/v1/accounts', {
    body: { handle: first.handle, password: 'another password' },
  });
  assert.equal(again.status, 409);
  assert.equal(again.body.error.code, 'handle_taken');
});

test('a wrong password and an unknown handle both get bad_credentials', async () => {
  const user = await signUp(server.url, 'pw');
  const wrong = await api(server.url, 'POST', '/v1/sessions', {
    body: { handle: user.handle, password: 'not the password' },
  });
  const unknown = await api(server.url, 'POST', '/v1/sessions', {
    body: { handle: 'nobody_here', password: 'whatever123' },
  });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.body.error.code, 'bad_credentials');
  assert.equal(unknown.body.error.code, 'bad_credentials');
});

test('invalid handles and short passwords are refused with invalid_field', async () => {
  for (const body of [
    { handle: 'A', password: 'long enough pw' },
    { handle: 'has space', password: 'long enough pw' },
    { handle: 'okhandle', password: 'short' },
    { handle: 'okhandle2' },
    { handle: 'okhandle3', password: 'long enough pw', extra: true },
  ]) {
    const res = await api(server.url, 'POST', '/v1/accounts', { body });
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.equal(res.body.error.code, 'invalid_field', JSON.stringify(body));
  }
});

test('a missing, forged or malformed token is refused with unauthenticated', async () => {
  assert.equal((await api(server.url, 'GET', '/v1/me')).body.error.code, 'unauthenticated');
  assert.equal(
    (await api(server.url, 'GET', '/v1/me', { token: 'abc.def.ghi' })).body.error.code,
    'unauthenticated',
  );
  const user = await signUp(server.url, 'forge');
  const [h, p] = user.token.split('.');
  const forged = `${h}.${p}.${'A'.repeat(43)}`;
  const res = await api(server.url, 'GET', '/v1/me', { token: forged });
  assert.equal(res.status, 401);
  assert.equal(res.body.error.code, 'unauthenticated');
});
