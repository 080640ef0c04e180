/**
 * The operator's API and `rostra admin` commands against a real server: only the admin grant
 * gets in; live Spaces are listed with their counts; an operator ends a Space; the webhook
 * delivery log shows a delivery that failed, and a retry sends it again (to a real receiver
 * that verifies the signature).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, signUp, startTestServer, TestSocket } from '../helpers/server.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';
import { until } from '../helpers/wait.js';
import { createTokenService, loadTokenSecret } from '../../src/control/auth/index.js';
import { runAdminCommand } from '../../src/app/admin-command.js';
import { Grant } from '../../src/protocol/api.js';

const SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** runs `rostra admin …` in-process; returns exit code and what it printed */
async function admin(url: string, token: string, ...args: string[]) {
  let out = '';
  let err = '';
  const code = await runAdminCommand(
    args,
    { '--url': url, '--token': token },
    (t) => (out += t),
    (t) => (err += t),
  );
  return { code, out, err };
}

test('operators list live Spaces with counts, end one, and resend a failed webhook; others are refused', async () => {
  const rx = await WebhookReceiver.start(SECRET);
  rx.failNext.push(500);
  const s = await startTestServer(
    { webhookUrls: rx.url, webhookSecret: SECRET, webhookMaxAttempts: 1, stageThread: false },
    undefined,
    { webhookDispatch: { pollMs: 50 } },
  );
  cleanups.push(
    () => rx.stop(),
    () => s.stop(),
  );
  const host = await signUp(s.url, 'host');
  const op = await signUp(s.url, 'op');
  const secret = await loadTokenSecret({ secret: '', dataDir: s.dataDir });
  const { token: opToken } = await createTokenService({ secret }).mint(
    { id: op.id as never, handle: op.handle },
    [Grant.listen, Grant.admin],
  );

  const created = await api(s.url, 'POST', '/v1/spaces', { token: host.token, body: { title: 'On air' } });
  const id = created.body.space.id as string;
  const stage = await TestSocket.open(s.url, `/v1/spaces/${id}/stage`, host.token);
  await stage.waitType('welcome');
  assert.equal((await stage.command({ type: 'go_live' })).type, 'ack');
  const listener = await TestSocket.open(s.url, `/v1/spaces/${id}/listen`);
  await listener.waitType('welcome');

  // a plain account is refused, with and without the CLI
  assert.equal(
    (await api(s.url, 'GET', '/v1/admin/spaces', { token: host.token })).body.error.code,
    'forbidden',
  );
  const denied = await admin(s.url, host.token, 'spaces');
  assert.equal(denied.code, 1);
  assert.match(denied.err, /forbidden/);

  await until(
    async () =>
      (await api(s.url, 'GET', '/v1/admin/spaces', { token: opToken })).body.spaces[0]?.counts
        ?.listeningNow === 1,
    5_000,
    'the listener is counted',
  );
  const listed = await admin(s.url, opToken, 'spaces');
  assert.equal(listed.code, 0);
  assert.match(listed.out, new RegExp(`${id}\\s+live\\s+listening 1\\s+on stage 1\\s+On air`));

  // the first event (space.opened) got a 500 and, with one attempt allowed, failed for good
  await until(
    async () => {
      const log = await api(s.url, 'GET', '/v1/admin/webhooks/deliveries?state=failed', { token: opToken });
      return log.body.deliveries.length === 1;
    },
    5_000,
    'a failed delivery in the log',
  );
  const log = await api(s.url, 'GET', '/v1/admin/webhooks/deliveries?state=failed', { token: opToken });
  const failed = log.body.deliveries[0];
  assert.equal(failed.type, 'space.opened');
  assert.equal(failed.lastStatus, 500);
  assert.equal(failed.secret, undefined, 'the log never shows secrets');
  const shown = await admin(s.url, opToken, 'webhooks', '--state');
  assert.equal(shown.code, 0);
  assert.match(shown.out, /failed\s+space\.opened\s+tries 1\s+500/);
  assert.equal((await admin(s.url, opToken, 'webhooks-retry', failed.id)).code, 0);
  await until(() => rx.ofType('space.opened').length === 1, 5_000, 'the retried delivery arrives');
  const again = await admin(s.url, opToken, 'webhooks-retry', failed.id);
  assert.equal(again.code, 1, 'a delivered one cannot be retried');
  const bad = await api(s.url, 'GET', '/v1/admin/webhooks/deliveries?state=lost', { token: opToken });
  assert.equal(bad.body.error.code, 'invalid_field');

  // the operator ends the Space; everyone is told
  const ended = await admin(s.url, opToken, 'end', id);
  assert.equal(ended.code, 0, ended.err);
  await listener.waitType('ended');
  assert.equal((await api(s.url, 'GET', `/v1/spaces/${id}`)).body.space.state, 'ended');
  await until(() => rx.ofType('space.ended').length === 1, 5_000, 'space.ended');
  stage.close();
  listener.close();
});
