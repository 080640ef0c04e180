/**
 * A real crash: the server runs as a child process (tsx, no build), a host speaks a tone over
 * WebRTC, the process is SIGKILLed mid-Space. Restarted on the same data dir, start-up repair
 * cuts the torn tail and the replay decodes with ffmpeg at once; when the Space then resumes
 * and ends, the replay holds both parts with the downtime as a marked gap of silence.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeAudioBatch } from '../../src/protocol/audience.js';
import { toneIn, decodeReplay as decode, pcmSlice as slice } from '../helpers/replay-audio.js';
import { api, signUp, startTestServer, TestSocket } from '../helpers/server.js';
import { publishTone } from '../helpers/werift-speaker.js';
import { scanLog } from '../../src/recording/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** starts `startRostra` in a child process; resolves with its URL */
function startChild(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const code = [
    `import { startRostra } from ${JSON.stringify(join(root, 'src/app/server.ts'))};`,
    `import { loadConfig } from ${JSON.stringify(join(root, 'src/app/config.ts'))};`,
    `const r = await startRostra({ ...loadConfig({}, {}), port: 0, dataDir: process.env.REC_DIR, logLevel: 'silent' });`,
    `console.log('LISTENING ' + r.url);`,
  ].join('\n');
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: root,
    env: { ...process.env, REC_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`child did not start: ${err}`)), 30_000);
    child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /LISTENING (\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    });
    child.once('exit', (c) => reject(new Error(`child exited ${c}: ${err}`)));
  });
}

void test(
  'after a SIGKILL mid-Space the recording is repaired at start and replays; a resumed Space shows the downtime as a gap',
  { timeout: 120_000 },
  async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rostra-crash-'));
    const cleanups: (() => Promise<void> | void)[] = [];
    try {
      const { child, url } = await startChild(dataDir);
      cleanups.push(() => void child.kill('SIGKILL'));
      const host = await signUp(url, 'host');
      const created = await api(url, 'POST', '/v1/spaces', {
        token: host.token,
        body: { title: 'Crash', allowAnonymous: true },
      });
      const id = created.body.space.id as string;
      const stage = await TestSocket.open(url, `/v1/spaces/${id}/stage`, host.token);
      await stage.waitType('welcome');
      // a listener counts the frames the live audience got before the crash
      const listener = await TestSocket.open(url, `/v1/spaces/${id}/listen`);
      await listener.waitType('welcome');
      assert.equal((await stage.command({ type: 'go_live' })).type, 'ack');
      assert.equal((await stage.command({ type: 'unmute' })).type, 'ack'); // the host starts muted
      const startedAt = (await api(url, 'GET', `/v1/spaces/${id}`)).body.space.startedAt as number;
      const speaker = await publishTone(url, id, host.token);
      cleanups.push(() => speaker.close());
      await sleep(3000);
      await speaker.close(); // the turn closes (500 ms hangover) and is written before the kill
      await sleep(1000);
      const killedAt = Date.now();
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      const heard = listener.binary.flatMap((b) => decodeAudioBatch(new Uint8Array(b)) ?? []);
      listener.close();
      stage.close();
      await speaker.close();

      // the killed home's part: <recordingsDir>/<spaceId>/parts/<part>/ (docs/recording.md)
      const parts = join(dataDir, 'recordings', id, 'parts');
      assert.equal(readdirSync(parts).length, 1);
      const dir = join(parts, readdirSync(parts)[0]!);
      const meta = () => JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
      assert.equal(meta().status, 'recording', 'the crash left the recording unfinished');
      appendFileSync(join(dir, 'audio.rlog'), Buffer.from([0, 90, 1, 2, 3, 4, 5, 6, 7, 8, 9])); // a torn record

      // restart on the same data dir: repaired before serving, replayable at once
      const server = await startTestServer({ hostGraceMs: 60_000 }, dataDir);
      cleanups.push(() => server.stop(false));
      assert.equal(meta().status, 'interrupted');
      assert.equal(meta().repairs, 1);
      assert.equal(meta().cutBytes, 11);
      const t1 = (await api(server.url, 'GET', `/v1/spaces/${id}/replay/timeline`)).body;
      assert.equal(t1.repaired, true);
      assert.equal(t1.status, 'interrupted');
      // what the crash lost: at most the unwritten queue (200 ms of frames) plus the frames in
      // flight to the listener; every frame the listener heard before that is in the log
      const logged = scanLog(readFileSync(join(dir, 'audio.rlog'))).frames;
      const lastLogged = logged.at(-1)!.seq;
      const lastHeard = heard.at(-1)!.seq;
      assert.ok(heard.length > 150, `heard ${heard.length} frames`);
      assert.ok(lastHeard - lastLogged <= 15, `lost ${lastHeard - lastLogged} frames`);
      const loggedSeqs = new Set(logged.map((f) => f.seq));
      assert.ok(heard.filter((f) => f.seq <= lastLogged).every((f) => loggedSeqs.has(f.seq)));
      const firstLive = logged.find((f) => f.mixedAt >= startedAt)!.seq; // backstage is left out
      const spanMs = (lastLogged - firstLive + 1) * 20;
      assert.equal(t1.durationMs, spanMs);
      const first = await decode(`${server.url}/v1/spaces/${id}/replay/playlist.m3u8`);
      assert.equal(first.code, 0, first.stderr);
      assert.ok(Math.abs(first.stdout.length / 96 - t1.durationMs) <= 40);
      const turn = t1.speakers.find((s: any) => s.userId === host.id)?.intervals[0] as [number, number];
      assert.ok(turn, JSON.stringify(t1));
      assert.ok(toneIn(slice(first.stdout, turn[0] + 300, turn[1] - 300)) > 0.8);

      // the host comes back: the Space resumes on this node and is recorded on, then ends
      const back = await TestSocket.open(server.url, `/v1/spaces/${id}/stage`, host.token);
      cleanups.push(() => back.close());
      await back.waitType('welcome');
      assert.equal((await back.command({ type: 'unmute' })).type, 'ack');
      const resumedAt = Date.now();
      const again = await publishTone(server.url, id, host.token);
      cleanups.push(() => again.close());
      await sleep(2000);
      await again.close();
      assert.equal((await back.command({ type: 'end_space' })).type, 'ack');
      await sleep(200);
      const t2 = (await api(server.url, 'GET', `/v1/spaces/${id}/replay/timeline`)).body;
      assert.equal(t2.status, 'finished');
      assert.equal(t2.repaired, true);
      // the downtime is the first gap; a loaded machine may add a skipped mixer tick or two
      assert.ok(t2.gaps.length >= 1, JSON.stringify(t2.gaps));
      assert.ok(
        t2.gaps.slice(1).every((g: any) => g.durationMs <= 200),
        JSON.stringify(t2.gaps),
      );
      const gap = t2.gaps[0];
      assert.ok(Math.abs(gap.atMs - t1.durationMs) <= 20);
      const downMs = resumedAt - killedAt;
      assert.ok(
        gap.durationMs > downMs - 500 && gap.durationMs < downMs + 1500,
        `gap ${gap.durationMs}, down ${downMs}`,
      );
      const pl = await (await fetch(`${server.url}/v1/spaces/${id}/replay/playlist.m3u8`)).text();
      assert.match(pl, /#EXT-X-GAP/);
      const all = await decode(`${server.url}/v1/spaces/${id}/replay.opus`);
      assert.equal(all.code, 0, all.stderr);
      assert.ok(Math.abs(all.stdout.length / 96 - t2.durationMs) <= 40);
      const gapPcm = slice(all.stdout, gap.atMs + 100, gap.atMs + gap.durationMs - 100);
      assert.ok(
        gapPcm.every((b) => b === 0),
        'the gap is digital silence',
      );
    } finally {
      for (const c of cleanups.reverse()) await c();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
);
