/**
 * A join storm against a real server with a small admission cap: a live Space with a werift
 * speaker (440 Hz), a node capped at 50 listeners admitting 20 joins per second (bursts of 10),
 * and 500 listen sockets opened within ~2 s from this process. Nobody gets a 5xx or a bare
 * error: each socket plays (welcome + audio batches), waits with a position and is admitted
 * in order, or is sent to LL-HLS with a signed URL that serves a playlist. The mixer keeps
 * its pace meanwhile (frames produced vs wall clock, late ticks from /metrics) and an admitted
 * listener hears the tone.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { Decoder } from '@evan/opus';
import { decodeAudioBatch } from '../../src/protocol/audience.js';
import { api, signUp, startTestServer, TestSocket, type TestServer } from '../helpers/server.js';
import { publishTone, type WeriftSpeaker } from '../helpers/werift-speaker.js';
import { toneLevel } from '../helpers/audio-goertzel.js';

const CAP = 50;
const JOINS = 500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let server: TestServer;
let stage: TestSocket;
let speaker: WeriftSpeaker | null = null;
let spaceId = '';

interface Client {
  ws: WebSocket;
  opened: boolean;
  httpStatus: number | null;
  texts: any[];
  batches: Buffer[];
  closeCode: number | null;
  /** ms from open to the first audio batch */
  firstAudioMs: number | null;
  openedAt: number;
}

function join(): Client {
  const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/v1/spaces/${spaceId}/listen`);
  const c: Client = {
    ws,
    opened: false,
    httpStatus: null,
    texts: [],
    batches: [],
    closeCode: null,
    firstAudioMs: null,
    openedAt: Date.now(),
  };
  ws.on('open', () => (c.opened = true));
  ws.on('unexpected-response', (_req, res) => {
    c.httpStatus = res.statusCode ?? 0;
    ws.terminate();
  });
  ws.on('error', () => undefined);
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      if (c.batches.length === 0) c.firstAudioMs = Date.now() - c.openedAt;
      if (c.batches.length < 200) c.batches.push(data as Buffer);
    } else c.texts.push(JSON.parse((data as Buffer).toString('utf8')));
  });
  ws.on('close', (code) => (c.closeCode = code));
  return c;
}

async function metric(name: string): Promise<number> {
  const text = (await api(server.url, 'GET', '/metrics')).body as string;
  const line = text.split('\n').find((l) => l.startsWith(name + ' '));
  return Number(line?.split(' ')[1] ?? NaN);
}

before(async () => {
  server = await startTestServer({ maxListeners: CAP, joinRate: 20, joinBurst: 10, maxWaiting: 200 });
  const host = await signUp(server.url, 'host');
  const res = await api(server.url, 'POST', '/v1/spaces', {
    token: host.token,
    body: { title: 'storm', allowAnonymous: true },
  });
  spaceId = res.body.space.id as string;
  stage = await TestSocket.open(server.url, `/v1/spaces/${spaceId}/stage`, host.token);
  await stage.waitType('welcome');
  assert.equal((await stage.command({ type: 'go_live' })).type, 'ack');
  speaker = await publishTone(server.url, spaceId, host.token, { hz: 440 });
  assert.equal((await stage.command({ type: 'unmute' })).type, 'ack');
});

after(async () => {
  await speaker?.close();
  stage?.close();
  await server?.stop();
});

test('500 joins in 2 s against a cap of 50: each plays, waits its turn, or is moved to LL-HLS; the mixer keeps pace', async () => {
  await sleep(500);
  const frames0 = await metric('rostra_mixer_frames_total');
  const late0 = await metric('rostra_mixer_late_ticks_total');
  const t0 = Date.now();
  const clients: Client[] = [];
  for (let i = 0; i < JOINS; i++) {
    clients.push(join());
    if (i % 25 === 24) await sleep(95); // 20 waves of 25 over ~2 s
  }
  const stormMs = Date.now() - t0;
  // the waiting room drains at 20/s: 40 places after the burst of 10 take ~2 s; allow slack
  await sleep(6_000);
  const elapsed = Date.now() - t0;
  const frames = (await metric('rostra_mixer_frames_total')) - frames0;
  const late = (await metric('rostra_mixer_late_ticks_total')) - late0;

  const playing = clients.filter((c) => c.batches.length > 0 && c.texts.some((m) => m.type === 'welcome'));
  const waited = playing.filter((c) => c.texts.some((m) => m.type === 'waiting'));
  const moved = clients.filter((c) =>
    c.texts.some((m) => m.type === 'switch_tier' && m.tier === 'hls' && m.reason === 'overflow'),
  );
  const errors = clients.flatMap((c) => c.texts.filter((m) => m.type === 'error'));
  const stats = server.rostra.admission.stats();
  console.log(
    `storm: ${JOINS} joins in ${stormMs} ms; playing ${playing.length} (of which waited ${waited.length}), ` +
      `moved to HLS ${moved.length}, errors ${errors.length}; admission ${JSON.stringify(stats)}; ` +
      `mixer ${frames} frames in ${elapsed} ms (${((frames * 20) / elapsed).toFixed(3)} of real time), late ticks ${late}`,
  );

  const notOpened = clients.filter((c) => !c.opened);
  const statuses = clients.flatMap((c) => (c.httpStatus === null ? [] : [c.httpStatus]));
  assert.ok(
    notOpened.length === 0 && statuses.length === 0,
    `every upgrade succeeded: ${notOpened.length} never opened (close codes ` +
      `${JSON.stringify(notOpened.map((c) => c.closeCode))}), HTTP statuses ${JSON.stringify(statuses)}`,
  );
  assert.deepEqual(errors, [], 'no error messages');
  assert.equal(playing.length, CAP, 'exactly the cap plays over the WebSocket');
  assert.ok(
    waited.length >= CAP - 10 - 5,
    `most of the cap came through the waiting room (${waited.length})`,
  );
  assert.equal(playing.length + moved.length, JOINS, 'everyone else was moved to LL-HLS');
  for (const c of moved) assert.equal(c.closeCode, 1000, 'a moved socket is closed normally');

  // positions were given in order and counted down
  for (const c of waited) {
    const positions = c.texts.filter((m) => m.type === 'waiting').map((m) => m.position as number);
    assert.ok(positions.length > 0 && positions.every((p) => p >= 1 && p <= 40));
    assert.deepEqual(
      [...positions].sort((a, b) => b - a),
      positions,
      'positions never go up',
    );
  }
  // admitted in order: a socket that queued earlier heard audio no later (1 s slack for batching)
  const byOpen = [...waited].sort((a, b) => a.openedAt - b.openedAt);
  for (let i = 1; i < byOpen.length; i++) {
    const prev = byOpen[i - 1]!;
    const cur = byOpen[i]!;
    assert.ok(prev.openedAt + prev.firstAudioMs! <= cur.openedAt + cur.firstAudioMs! + 1_000);
  }

  // the HLS URLs given out serve a playlist
  const urls = new Set(moved.map((c) => c.texts.find((m) => m.type === 'switch_tier').url as string));
  for (const url of urls) {
    const res = await fetch(server.url + url);
    assert.equal(res.status, 200, `${url} -> ${res.status}`);
    assert.match(await res.text(), /^#EXTM3U/);
  }

  // the speakers' path was unharmed: the mixer produced (nearly) every 20 ms frame
  assert.ok(frames * 20 >= elapsed * 0.9, `mixer produced ${frames} frames in ${elapsed} ms`);
  // and an admitted listener hears the tone
  const dec = new Decoder({ channels: 1, sample_rate: 48_000 });
  const pcm: number[] = [];
  for (const b of playing[0]!.batches.slice(-40)) {
    for (const f of decodeAudioBatch(new Uint8Array(b)) ?? []) {
      const s = dec.decode(f.opus);
      const v = new Int16Array(s.buffer, s.byteOffset, s.byteLength / 2);
      for (const x of v) pcm.push(x / 32768);
    }
  }
  const a440 = toneLevel(pcm, 440);
  const off = toneLevel(pcm, 700);
  assert.ok(a440 > 0.05 && a440 > 10 * off, `440 Hz level ${a440}, 700 Hz ${off}`);

  for (const c of clients) c.ws.terminate();
  await sleep(300);
  assert.equal(server.rostra.admission.stats().listeners, 0, 'every place was released');
});
