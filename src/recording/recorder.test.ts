import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { runFfmpeg, toneFrames, toneRatio } from '../audience/ogg/testkit.js';
import { asSpaceId } from '../protocol/ids.js';
import { Recorder } from './recorder.js';
import { RecordingLibrary } from './library.js';
import { repairRecordings } from './repair.js';
import { LOG_FILE, META_FILE, SPEAKERS_FILE, readMeta } from './files.js';
import { scanLog } from './format.js';
import { SILENCE_OPUS } from './plan.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'rostra-rec-'));
const space = asSpaceId('space1');

void test('every frame pushed is in the log, in order, and the replay is ready when the Space ends', async () => {
  const dataDir = tmp();
  try {
    const frames = toneFrames(300);
    const rec = new Recorder({ recordingsDir: dataDir, spaceId: space });
    for (const f of frames) rec.push(f);
    const lib = new RecordingLibrary({ recordingsDir: dataDir });
    await assert.rejects(lib.open(space), { code: 'recording_not_found' }); // still recording
    rec.end();
    rec.end(); // idempotent
    const dir = rec.dir;
    assert.equal(readMeta(dir)?.status, 'finished');
    const scan = scanLog(readFileSync(join(dir, LOG_FILE)));
    assert.equal(scan.tailBytes, 0);
    assert.deepEqual(
      scan.frames.map((f) => [f.seq, f.mixedAt, Buffer.from(f.opus).toString('hex')]),
      frames.map((f) => [f.seq, f.mixedAt, Buffer.from(f.opus).toString('hex')]),
    );
    const replay = await lib.open(space);
    assert.equal(replay.durationMs, 300 * 20);
    assert.deepEqual(replay.timeline().gaps, []);
    const playlist = replay.playlist();
    assert.match(playlist, /#EXT-X-PLAYLIST-TYPE:VOD/);
    assert.match(playlist, /#EXT-X-ENDLIST\n$/);
    assert.equal((playlist.match(/#EXTINF:6\.000,/g) ?? []).length, 1);
    assert.ok(replay.file('seg-0.m4s'));
    assert.equal(replay.file('seg-1.m4s'), undefined);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

void test('a seq jump and a wall-clock jump become marked gaps of silence of the right length', async () => {
  const dataDir = tmp();
  try {
    const t0 = Date.UTC(2026, 0, 1);
    const a = toneFrames(100, { firstSeq: 10, startAt: t0 });
    // 25 frames lost on the same mixer: seq and time both jump by 26 frames
    const b = toneFrames(100, { firstSeq: 10 + 125, startAt: t0 + 125 * 20 });
    // failover: a new mixer starts at seq 0, 3 s after the last frame
    const c = toneFrames(50, { firstSeq: 0, startAt: t0 + 225 * 20 + 3000 });
    const rec = new Recorder({ recordingsDir: dataDir, spaceId: space });
    for (const f of [...a, ...b, b[99]!, ...c]) rec.push(f); // with one duplicate
    rec.end();
    const replay = await new RecordingLibrary({ recordingsDir: dataDir }).open(space);
    const t = replay.timeline();
    assert.deepEqual(t.gaps, [
      { atMs: 100 * 20, durationMs: 25 * 20 },
      { atMs: 225 * 20, durationMs: 3000 },
    ]);
    assert.equal(t.durationMs, (250 + 25) * 20 + 3000);
    assert.equal(replay.plan.packets[100], SILENCE_OPUS);
    const playlist = replay.playlist();
    // each gap's silence is a segment of its own
    assert.equal((playlist.match(/#EXT-X-GAP/g) ?? []).length, 2);
    assert.equal((playlist.match(/#EXT-X-PROGRAM-DATE-TIME/g) ?? []).length, 3);
    // the download decodes with ffmpeg to the full length; the gaps are silent, the rest is tone
    const file = join(dataDir, 'gap.opus');
    writeFileSync(file, replay.download());
    const r = await runFfmpeg(['-i', file, '-f', 's16le', '-ac', '1', '-ar', '48000', '-']);
    assert.equal(r.code, 0, r.stderr);
    const ms = r.stdout.length / 96;
    assert.ok(Math.abs(ms - t.durationMs) <= 20, `decoded ${ms} ms of ${t.durationMs}`);
    const at = (fromMs: number, toMs: number) => r.stdout.subarray(fromMs * 96, toMs * 96);
    assert.ok(toneRatio(at(500, 1900)) > 0.8);
    assert.ok(rms(at(2100, 2400)) < 0.001, 'the lost frames are silence');
    assert.ok(toneRatio(at(2600, 4400)) > 0.8);
    assert.ok(rms(at(4700, 7400)) < 0.001, 'the failover gap is silence');
    assert.ok(toneRatio(at(7600, 8400)) > 0.8);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

void test('repair cuts a torn last record and a torn speakers line, and marks the recording interrupted', async () => {
  const dataDir = tmp();
  try {
    const rec = new Recorder({ recordingsDir: dataDir, spaceId: space, flushMs: 10_000 });
    for (const f of toneFrames(50)) rec.push(f);
    rec.levels({ u1: 0.5 }, 1000);
    rec.levels({ u1: 0.5 }, 1400);
    rec.levels({ u1: 0 }, 2000);
    const dir = rec.dir;
    // what a crash leaves: the records, a torn record, a torn JSON line
    const whole = readFileSync(join(dir, LOG_FILE));
    assert.equal(whole.length, 8); // only the magic: the queue was not flushed yet
    rec.end();
    const good = readFileSync(join(dir, LOG_FILE));
    writeFileSync(join(dir, META_FILE), JSON.stringify({ ...readMeta(dir), status: 'recording' }));
    appendFileSync(join(dir, LOG_FILE), good.subarray(8, 8 + 40)); // a torn record
    appendFileSync(join(dir, SPEAKERS_FILE), '{"userId":"u2","sta');
    const repaired = repairRecordings(dataDir);
    assert.deepEqual(repaired, [{ spaceId: space, part: basename(dir), frames: 50, cutBytes: 40 }]);
    assert.equal(statSync(join(dir, LOG_FILE)).size, good.length);
    assert.equal(readMeta(dir)?.status, 'interrupted');
    assert.equal(readMeta(dir)?.repairs, 1);
    assert.deepEqual(repairRecordings(dataDir), []); // nothing left to repair
    const t = (await new RecordingLibrary({ recordingsDir: dataDir }).open(space)).timeline();
    assert.equal(t.repaired, true);
    assert.equal(t.status, 'interrupted');
    assert.equal(t.durationMs, 1000);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

void test('a Space that resumes records a new part and the replay shows the pause as a gap', async () => {
  const dataDir = tmp();
  try {
    const t0 = Date.UTC(2026, 0, 1);
    const first = new Recorder({ recordingsDir: dataDir, spaceId: space });
    for (const f of toneFrames(100, { startAt: t0 })) first.push(f);
    first.close();
    assert.equal(readMeta(first.dir)?.status, 'interrupted');
    const lib = new RecordingLibrary({ recordingsDir: dataDir });
    const before = await lib.open(space);
    const second = new Recorder({ recordingsDir: dataDir, spaceId: space });
    for (const f of toneFrames(100, { firstSeq: 0, startAt: t0 + 10_000 })) second.push(f);
    second.end();
    const after = await lib.open(space);
    assert.notEqual(after.version, before.version);
    assert.equal(after.durationMs, 10_000 + 2000);
    assert.deepEqual(after.timeline().gaps, [{ atMs: 2000, durationMs: 8000 }]);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

void test('clips: inside the recording only, at most 60 s', async () => {
  const dataDir = tmp();
  try {
    const rec = new Recorder({ recordingsDir: dataDir, spaceId: space });
    for (const f of toneFrames(500)) rec.push(f);
    rec.end();
    const replay = await new RecordingLibrary({ recordingsDir: dataDir }).open(space);
    const clip = replay.clip(2000, 3000);
    assert.equal(Buffer.from(clip.subarray(0, 4)).toString(), 'OggS');
    assert.throws(() => replay.clip(9000, 2000), { code: 'clip_out_of_range' });
    assert.throws(() => replay.clip(-1, 2000), { code: 'clip_out_of_range' });
    assert.throws(() => replay.clip(0, 0), { code: 'clip_out_of_range' });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

function rms(s16le: Uint8Array): number {
  const v = new DataView(s16le.buffer, s16le.byteOffset, s16le.byteLength);
  let sum = 0;
  const n = Math.floor(s16le.length / 2);
  for (let i = 0; i < n; i++) sum += (v.getInt16(i * 2, true) / 32768) ** 2;
  return Math.sqrt(sum / Math.max(1, n));
}

void test('the replay starts at go-live: frames mixed backstage before it are left out', async () => {
  const dataDir = tmp();
  try {
    const t0 = Date.UTC(2026, 0, 1);
    const rec = new Recorder({ recordingsDir: dataDir, spaceId: space });
    for (const f of toneFrames(200, { startAt: t0 })) rec.push(f);
    rec.end();
    const lib = new RecordingLibrary({ recordingsDir: dataDir });
    const live = await lib.open(space, t0 + 1000);
    assert.equal(live.durationMs, 3000);
    assert.equal(live.startedAt, t0 + 1000);
    assert.equal((await lib.open(space)).durationMs, 4000);
    await assert.rejects(lib.open(space, t0 + 5000), { code: 'recording_not_found' });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
