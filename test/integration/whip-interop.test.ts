/**
 * A plain WHIP client publishes as a speaker: the offer OBS's WHIP output or GStreamer's
 * whipsink sends (one sendonly audio m-line, optionally a sendonly video one, a Bearer token,
 * no Rostra-specific slots) gets a 201 answer with a Location, the speaker's Opus is mixed
 * into the Space (ffmpeg hears the tone on the Ogg tier), and DELETE on the Location ends the
 * session. The web app's 13-transceiver offer is tested elsewhere (docs/stage.md).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runFfmpeg } from '../../src/audience/ogg/testkit.js';
import { strongestTone } from '../helpers/audio-goertzel.js';
import { api, signUp, startTestServer, TestSocket, type TestServer } from '../helpers/server.js';
import { publishTone } from '../helpers/werift-speaker.js';

let server: TestServer;
let stage: TestSocket;
let host: { token: string; id: string };
let spaceId: string;
/** a busy machine can take seconds to connect a peer: attempts of 20 s for up to a minute */
const patient = { attemptMs: 20_000, withinMs: 60_000 };

before(async () => {
  server = await startTestServer({});
  host = await signUp(server.url, 'host');
  const res = await api(server.url, 'POST', '/v1/spaces', {
    token: host.token,
    body: { title: 'WHIP interop', allowAnonymous: true },
  });
  spaceId = res.body.space.id as string;
  stage = await TestSocket.open(server.url, `/v1/spaces/${spaceId}/stage`, host.token);
  await stage.waitType('welcome');
  assert.equal((await stage.command({ type: 'go_live' })).type, 'ack');
  assert.equal((await stage.command({ type: 'unmute' })).type, 'ack');
});

after(async () => {
  stage?.close();
  await server?.stop();
});

/** m-lines of an SDP as "kind direction" */
function mlines(sdp: string): string[] {
  return sdp
    .split(/\r?\n(?=m=)/)
    .slice(1)
    .map((m) => {
      const kind = /^m=(\w+) (\d+)/.exec(m);
      const dir = /a=(sendonly|recvonly|sendrecv|inactive)/.exec(m)?.[1] ?? 'sendrecv';
      return kind?.[2] === '0' ? `${kind[1]} rejected` : `${kind?.[1]} ${dir}`;
    });
}

/** the 440 Hz level in 3 s of the Space's Ogg stream, and the 1 kHz level as a reference */
async function hearOgg(): Promise<{ tone: number; off: number }> {
  const { ogg } = (await api(server.url, 'GET', `/v1/spaces/${spaceId}/media`)).body as { ogg: string };
  const r = await runFfmpeg(
    ['-i', server.url + ogg, '-t', '3', '-f', 's16le', '-ac', '1', '-ar', '48000', '-'],
    30_000,
  );
  assert.equal(r.code, 0, r.stderr);
  return strongestTone(r.stdout);
}

test('a WHIP offer with one sendonly audio m-line and a Bearer token publishes a speaker', async () => {
  const speaker = await publishTone(server.url, spaceId, host.token, { hz: 440, recvSlots: 0, ...patient });
  try {
    assert.deepEqual(mlines(speaker.sdp.offer), ['audio sendonly']);
    assert.deepEqual(mlines(speaker.sdp.answer), ['audio recvonly']);
    assert.match(speaker.location, new RegExp(`^/v1/spaces/${spaceId}/whip/\\w+`));
    const { tone, off } = await hearOgg();
    console.log(`WHIP audio-only: 440 Hz level ${tone.toFixed(0)}, 1 kHz ${off.toFixed(0)}`);
    assert.ok(tone > 1000, `440 Hz level ${tone}`);
    assert.ok(off < tone / 10, `1 kHz level ${off}`);
    // DELETE on the Location ends the session; a second DELETE finds nothing
    const end = await api(server.url, 'DELETE', speaker.location, { token: host.token });
    assert.equal(end.status, 204);
    const again = await api(server.url, 'DELETE', speaker.location, { token: host.token });
    assert.equal(again.status, 404);
    assert.equal((again.body as { error: { code: string } }).error.code, 'session_not_found');
  } finally {
    await speaker.close();
  }
});

test("an OBS-style offer's video m-line is refused in the answer and its audio is mixed", async () => {
  const speaker = await publishTone(server.url, spaceId, host.token, {
    hz: 440,
    recvSlots: 0,
    video: true,
    ...patient,
  });
  try {
    assert.deepEqual(mlines(speaker.sdp.offer), ['audio sendonly', 'video sendonly']);
    const answer = mlines(speaker.sdp.answer);
    assert.equal(answer[0], 'audio recvonly');
    assert.ok(answer[1] === 'video rejected' || answer[1] === 'video inactive', answer.join());
    const { tone, off } = await hearOgg();
    console.log(`WHIP audio+video: 440 Hz level ${tone.toFixed(0)}, 1 kHz ${off.toFixed(0)}`);
    assert.ok(tone > 1000, `440 Hz level ${tone}`);
    assert.ok(off < tone / 10, `1 kHz level ${off}`);
  } finally {
    await speaker.close();
  }
});

test('a WHIP offer without a Bearer token is refused with unauthenticated', async () => {
  const res = await fetch(`${server.url}/v1/spaces/${spaceId}/whip`, {
    method: 'POST',
    headers: { 'content-type': 'application/sdp' },
    body: 'v=0\r\n',
  });
  assert.equal(res.status, 401);
  assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'unauthenticated');
});
