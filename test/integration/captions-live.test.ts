/**
 * Live captions on the real server with the real recogniser: a host says known sentences
 * (espeak-ng, through a werift WebRTC speaker: Opus, the mixer, the speech tap, pocketsphinx),
 * a listener gets them as batched `captions` bulletins naming the speaker. Prints the word
 * error rate and the caption delay (bulletin arrival minus the end of the words in mix time);
 * docs/benchmarks.md records them. The host's switch turns captions off for everyone.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, signUp, startTestServer, TestSocket, type TestServer } from '../helpers/server.js';
import { publishTone } from '../helpers/werift-speaker.js';
import { concat, silence, speak } from '../helpers/speech.js';
import { wordErrorRate } from '../helpers/wer.js';
import { sleep } from '../helpers/wait.js';
import { isErrorCode } from '../../src/protocol/errors.js';

export const SENTENCES = [
  'the meeting starts at nine',
  'i think this is a very good idea',
  'we will meet again tomorrow morning',
  'please turn off your phone',
  'welcome to the show',
];

/** the sentences at 48 kHz with 1.5 s pauses (the recogniser ends an utterance at a pause) */
export function script(): Int16Array {
  const parts = [silence(1000, 48_000)];
  for (const s of SENTENCES) parts.push(speak(s, 48_000), silence(1500, 48_000));
  return concat(...parts);
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

let server: TestServer;
before(async () => {
  server = await startTestServer({ captions: 'pocketsphinx', hostGraceMs: 60_000 });
});
after(async () => {
  await server.stop();
});

void test(
  'a speaker’s words reach listeners as batched caption bulletins naming them, and the host can switch captions off',
  { timeout: 120_000 },
  async () => {
    const host = await signUp(server.url, 'host');
    const created = await api(server.url, 'POST', '/v1/spaces', {
      token: host.token,
      body: { title: 'Captions', allowAnonymous: true },
    });
    assert.equal(created.status, 201);
    const id = created.body.space.id as string;
    const stage = await TestSocket.open(server.url, `/v1/spaces/${id}/stage`, host.token);
    const welcome = await stage.waitType('welcome');
    assert.equal(welcome.snapshot.captions, true, 'captions are on by default');
    const listener = await TestSocket.open(server.url, `/v1/spaces/${id}/listen`);
    await listener.waitType('welcome');
    assert.equal((await stage.command({ type: 'go_live' })).type, 'ack');
    assert.equal((await stage.command({ type: 'unmute' })).type, 'ack');

    const arrivals: { at: number; captions: any[] }[] = [];
    listener.ws.on('message', (data, binary) => {
      if (binary) return;
      const m = JSON.parse((data as Buffer).toString('utf8'));
      if (m.type === 'captions') arrivals.push({ at: Date.now(), captions: m.captions });
    });
    const audio = script();
    const speaker = await publishTone(server.url, id, host.token, { samples: audio });
    const spokenMs = (audio.length / 48_000) * 1000;
    await sleep(spokenMs + 1000);
    // the last sentence's caption comes after its pause; a busy machine may take longer
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && arrivals.flatMap((a) => a.captions).length < SENTENCES.length)
      await sleep(250);

    const captions = arrivals.flatMap((a) => a.captions);
    assert.ok(captions.length >= 1, 'captions arrived');
    for (const c of captions) {
      assert.equal(c.speakerId, host.id, 'named after the speaker');
      assert.equal(c.final, true);
      assert.ok(c.startAt <= c.endAt);
    }
    assert.ok(
      arrivals.length <= Math.ceil((spokenMs + 20_000) / 500),
      'at most one bulletin per 500 ms window',
    );
    const heard = captions.map((c) => c.text).join(' ');
    const wer = wordErrorRate(SENTENCES.join(' '), heard);
    const delays = arrivals.flatMap((a) => a.captions.map((c) => a.at - c.endAt));
    console.log(
      `captions live: ${captions.length} captions in ${arrivals.length} bulletins; WER ${(wer * 100).toFixed(0)} %;` +
        ` delay after the last word p50 ${percentile(delays, 50)} ms, p95 ${percentile(delays, 95)} ms`,
    );
    console.log(`  said:  ${SENTENCES.join(' | ')}\n  heard: ${captions.map((c) => c.text).join(' | ')}`);
    assert.ok(wer < 1, `some words were right (WER ${wer})`);

    // the host's switch: everyone is told, recognition stops
    assert.equal((await stage.command({ type: 'set_captions', on: false })).type, 'ack');
    const off = await listener.waitFor((m) => m.type === 'snapshot' && m.snapshot.captions === false, 3000);
    assert.equal(off.snapshot.captions, false);

    // the replay's transcript: the same captions, speaker-labelled, on the replay's timeline
    await speaker.close();
    assert.equal((await stage.command({ type: 'end_space' })).type, 'ack');
    await listener.waitType('ended');
    const replay = (path: string) => fetch(`${server.url}/v1/spaces/${id}/replay/${path}`);
    const timeline: any = await (await replay('timeline')).json();
    const vttRes = await replay('transcript.vtt');
    assert.equal(vttRes.status, 200);
    assert.match(vttRes.headers.get('content-type') ?? '', /^text\/vtt/);
    const vtt = await vttRes.text();
    assert.match(vtt, /^WEBVTT\n\n1\n\d\d:\d\d:\d\d\.\d{3} --> \d\d:\d\d:\d\d\.\d{3}\n<v /);
    assert.ok(vtt.includes(`<v ${host.handle}>`), 'cues are voiced with the speaker handle');
    const cueTimes = [...vtt.matchAll(/(\d\d):(\d\d):(\d\d)\.(\d{3}) --> /g)].map(
      ([, h, m, s, ms]) => ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000 + Number(ms),
    );
    assert.equal(cueTimes.length, captions.length, 'one cue per live caption');
    for (const t of cueTimes) assert.ok(t >= 0 && t <= timeline.durationMs, `cue at ${t} within the replay`);
    // time-aligned: a cue starts where the replay's timeline has the host speaking
    const spoke = timeline.speakers.find((s: any) => s.userId === host.id)?.intervals ?? [];
    assert.ok(
      cueTimes.some((t) => spoke.some(([a, b]: [number, number]) => t >= a - 1000 && t <= b + 1000)),
      `cues ${cueTimes.join(', ')} fall in speaking turns ${JSON.stringify(spoke)}`,
    );
    const txt = await (await replay('transcript.txt')).text();
    const lines = txt.trim().split('\n');
    assert.equal(lines.length, captions.length);
    for (const l of lines) assert.match(l, new RegExp(`^\\[\\d\\d:\\d\\d\\] @${host.handle}: \\S`));
    const replayWer = wordErrorRate(SENTENCES.join(' '), lines.map((l) => l.replace(/^.*?: /, '')).join(' '));
    console.log(`replay transcript: ${lines.length} lines, WER ${(replayWer * 100).toFixed(0)} %`);
  },
);

void test('set_captions with a value that is not a boolean is refused and changes nothing', async () => {
  const host = await signUp(server.url, 'host2');
  const created = await api(server.url, 'POST', '/v1/spaces', { token: host.token, body: { title: 'C2' } });
  const id = created.body.space.id as string;
  const stage = await TestSocket.open(server.url, `/v1/spaces/${id}/stage`, host.token);
  await stage.waitType('welcome');
  stage.ws.send(JSON.stringify({ type: 'set_captions', on: 'yes' }));
  const bad = await stage.waitType('error');
  assert.ok(isErrorCode(bad.code), 'a catalog code');
  stage.ws.send(JSON.stringify({ type: 'ping' }));
  await stage.waitType('pong'); // the socket lives on
  assert.equal(
    stage.messages.filter((m) => m.type === 'snapshot' && m.snapshot.captions === false).length,
    0,
  );
});
