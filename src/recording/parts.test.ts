import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFfmpeg, toneFrames, toneRatio } from '../audience/ogg/testkit.js';
import { asSpaceId } from '../protocol/ids.js';
import { Recorder } from './recorder.js';
import { RecordingLibrary } from './library.js';
import { repairRecordings } from './repair.js';
import { LOG_FILE, META_FILE, SPEAKERS_FILE, readMeta, recordingDir, writeMeta } from './files.js';
import { LOG_MAGIC, encodeRecord } from './format.js';
import { listParts } from './parts.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'rostra-parts-'));
const space = asSpaceId('space1');
const t0 = Date.UTC(2026, 0, 1);

/** what a SIGKILLed home leaves: meta still 'recording', a torn record, a torn speakers line */
function killedPart(recordingsDir: string, node: string): string {
  const rec = new Recorder({ recordingsDir, spaceId: space, node });
  for (const f of toneFrames(100, { firstSeq: 500, startAt: t0 })) rec.push(f);
  rec.levels({ u1: 0.5 }, t0 + 200);
  rec.levels({ u1: 0.5 }, t0 + 1000);
  rec.levels({ u1: 0 }, t0 + 1600);
  rec.end();
  writeFileSync(join(rec.dir, META_FILE), JSON.stringify({ ...readMeta(rec.dir), status: 'recording' }));
  const log = readFileSync(join(rec.dir, LOG_FILE));
  appendFileSync(join(rec.dir, LOG_FILE), log.subarray(8, 8 + 30));
  appendFileSync(join(rec.dir, SPEAKERS_FILE), '{"userId":"u1","sta');
  return rec.dir;
}

void test('a failover: the killed home part (torn, never repaired) and the new home part are one replay with a marked gap', async () => {
  const dir = tmp();
  try {
    const killed = killedPart(dir, 'a');
    const rec = new Recorder({ recordingsDir: dir, spaceId: space, node: 'b' });
    // the new home starts 3 s after the last frame of the killed one, with its own seq
    for (const f of toneFrames(100, { firstSeq: 0, startAt: t0 + 2000 + 3000 })) rec.push(f);
    rec.end();

    // the killed part still looks written to: the Space counts as still being recorded
    await assert.rejects(new RecordingLibrary({ recordingsDir: dir }).open(space), {
      code: 'recording_not_found',
    });
    // node b repairs only its own parts; node a's part is left as it is
    assert.deepEqual(repairRecordings(dir, 'b'), []);
    assert.equal(readMeta(killed)?.status, 'recording');

    const lib = new RecordingLibrary({ recordingsDir: dir, now: () => Date.now() + 10_000 });
    const replay = await lib.open(space);
    const t = replay.timeline();
    assert.deepEqual(t.gaps, [{ atMs: 2000, durationMs: 3000 }]);
    assert.equal(t.durationMs, 2000 + 3000 + 2000);
    assert.equal(t.status, 'finished');
    assert.equal(t.repaired, true);
    assert.deepEqual(t.speakers, [{ userId: 'u1', intervals: [[0, 1000]] }]);
    assert.equal((replay.playlist().match(/#EXT-X-GAP/g) ?? []).length, 1);

    const file = join(dir, 'replay.opus');
    writeFileSync(file, replay.download());
    const r = await runFfmpeg(['-i', file, '-f', 's16le', '-ac', '1', '-ar', '48000', '-']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(Math.abs(r.stdout.length / 96 - t.durationMs) <= 20, `decoded ${r.stdout.length / 96} ms`);
    const at = (a: number, b: number) => r.stdout.subarray(a * 96, b * 96);
    assert.ok(toneRatio(at(300, 1800)) > 0.8);
    assert.ok(
      at(2100, 4900).every((x) => x === 0),
      'the gap is digital silence',
    );
    assert.ok(toneRatio(at(5300, 6800)) > 0.8);

    // node a comes back: it repairs its own part; the replay is the same, with a new version
    const [repaired] = repairRecordings(dir, 'a');
    assert.equal(repaired?.frames, 100);
    assert.equal(repaired?.cutBytes, 30);
    const again = await new RecordingLibrary({ recordingsDir: dir }).open(space);
    assert.notEqual(again.version, replay.version);
    assert.deepEqual(again.timeline(), t);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('a recording in the old single-folder layout is read as the first part', async () => {
  const dir = tmp();
  try {
    const old = recordingDir(dir, space);
    mkdirSync(old, { recursive: true });
    const frames = toneFrames(50, { startAt: t0 });
    writeFileSync(join(old, LOG_FILE), Buffer.concat([LOG_MAGIC, ...frames.map(encodeRecord)]));
    writeMeta(old, {
      version: 1,
      spaceId: space,
      status: 'interrupted',
      createdAt: t0,
      updatedAt: t0 + 1000,
      repairs: 0,
      cutBytes: 0,
    });
    const rec = new Recorder({ recordingsDir: dir, spaceId: space });
    for (const f of toneFrames(50, { firstSeq: 0, startAt: t0 + 5000 })) rec.push(f);
    rec.end();
    assert.deepEqual(
      listParts(dir, space).map((p) => [p.name === '' ? 'old' : 'part', p.meta.status]),
      [
        ['old', 'interrupted'],
        ['part', 'finished'],
      ],
    );
    const t = (await new RecordingLibrary({ recordingsDir: dir }).open(space)).timeline();
    assert.deepEqual(t.gaps, [{ atMs: 1000, durationMs: 4000 }]);
    assert.equal(t.durationMs, 6000);
    assert.equal(t.status, 'finished');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
