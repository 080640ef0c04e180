/**
 * Real clients play the HTTP tiers THROUGH THE SERVER: a werift speaker publishes a 440 Hz
 * tone over WHIP, the mixer mixes it, and ffmpeg decodes the LL-HLS playlist and the live
 * Ogg/Opus stream from the signed media URLs and hears the tone.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runFfmpeg } from '../../src/audience/ogg/testkit.js';
import { toneLevel } from '../helpers/audio-goertzel.js';
import { api, signUp, startTestServer, TestSocket, type TestServer } from '../helpers/server.js';
import { publishTone, type WeriftSpeaker } from '../helpers/werift-speaker.js';

let server: TestServer;
let stage: TestSocket;
let speaker: WeriftSpeaker | null = null;
let urls: { hls: string; ogg: string };

before(async () => {
  server = await startTestServer({});
  const host = await signUp(server.url, 'host');
  const res = await api(server.url, 'POST', '/v1/spaces', {
    token: host.token,
    body: { title: 'Tone', allowAnonymous: true },
  });
  const spaceId = res.body.space.id as string;
  stage = await TestSocket.open(server.url, `/v1/spaces/${spaceId}/stage`, host.token);
  await stage.waitType('welcome');
  assert.equal((await stage.command({ type: 'go_live' })).type, 'ack');
  speaker = await publishTone(server.url, spaceId, host.token, { hz: 440 });
  const unmute = await stage.command({ type: 'unmute' });
  assert.equal(unmute.type, 'ack', JSON.stringify(unmute));
  urls = (await api(server.url, 'GET', `/v1/spaces/${spaceId}/media`)).body;
  // let the tone fill a few 2 s segments
  await new Promise((r) => setTimeout(r, 4000));
});

after(async () => {
  await speaker?.close();
  stage?.close();
  await server?.stop();
});

/** strongest 440 Hz level and the 1 kHz level over 0.5 s windows of s16le mono 48 kHz */
function levels(s16le: Uint8Array): { tone: number; off: number; seconds: number } {
  const pcm = new Int16Array(s16le.buffer, s16le.byteOffset, Math.floor(s16le.byteLength / 2));
  let tone = 0;
  let off = 0;
  for (let at = 0; at + 24_000 <= pcm.length; at += 24_000) {
    const win = pcm.subarray(at, at + 24_000);
    const level = toneLevel(win, 440);
    if (level > tone) {
      tone = level;
      off = toneLevel(win, 1000);
    }
  }
  return { tone, off, seconds: pcm.length / 48_000 };
}

const decode = ['-t', '3', '-f', 's16le', '-ac', '1', '-ar', '48000', '-'];

test('ffmpeg plays the LL-HLS playlist from the signed URL and hears the speaker', async () => {
  const r = await runFfmpeg(['-live_start_index', '-2', '-i', server.url + urls.hls, ...decode], 30_000);
  assert.equal(r.code, 0, r.stderr);
  const { tone, off, seconds } = levels(r.stdout);
  console.log(
    `hls: ${seconds.toFixed(2)} s decoded, 440 Hz level ${tone.toFixed(0)}, 1 kHz ${off.toFixed(0)}`,
  );
  assert.ok(Math.abs(seconds - 3) < 0.05, `decoded ${seconds} s`);
  assert.ok(tone > 1000, `440 Hz level ${tone}`);
  assert.ok(off < tone / 10, `1 kHz level ${off}`);
});

test('ffmpeg plays the live Ogg/Opus stream from the signed URL and hears the speaker', async () => {
  const r = await runFfmpeg(['-i', server.url + urls.ogg, ...decode], 30_000);
  assert.equal(r.code, 0, r.stderr);
  const { tone, off, seconds } = levels(r.stdout);
  console.log(
    `ogg: ${seconds.toFixed(2)} s decoded, 440 Hz level ${tone.toFixed(0)}, 1 kHz ${off.toFixed(0)}`,
  );
  assert.ok(Math.abs(seconds - 3) < 0.05, `decoded ${seconds} s`);
  assert.ok(tone > 1000, `440 Hz level ${tone}`);
  assert.ok(off < tone / 10, `1 kHz level ${off}`);
});
