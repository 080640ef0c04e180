import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAudioBatch, type AudienceServerMessage } from '../../protocol/audience.js';
import { asUserId } from '../../protocol/ids.js';
import { ERRORS } from '../../protocol/errors.js';
import { AudienceFanout } from './fanout.js';
import { connectClient, startFanoutServer, toneFrames, waitFor, type TestClient } from './test-kit.js';

const seqsOf = (client: TestClient): number[] =>
  client.binary.flatMap((b) => decodeAudioBatch(new Uint8Array(b))!.map((f) => f.seq));

void test("every listener receives every frame once, in seq order; each lane's batch is framed once", async () => {
  const fanout = new AudienceFanout({ maxWindowFrames: 3, maxHoldMs: 60 });
  const server = await startFanoutServer(fanout);
  try {
    const clients = await Promise.all(Array.from({ length: 5 }, () => connectClient(server.url)));
    await waitFor(() => fanout.size === 5, 2000, 'attach');
    const frames = toneFrames(30);
    for (const f of frames) fanout.push(f);
    const all = frames.map((f) => f.seq);
    await waitFor(() => clients.every((c) => seqsOf(c).length === 30), 2000, 'every frame everywhere');
    for (const c of clients) assert.deepEqual(seqsOf(c), all);
    const decoded = decodeAudioBatch(new Uint8Array(clients[0]!.binary[0]!))!;
    assert.deepEqual(decoded[0]!.opus, frames[0]!.opus);
    // 5 sockets in 3 lanes: the distinct batches are the encodes, each written to its lane
    const distinct = new Set(clients.flatMap((c) => c.binary.map((b) => b.toString('hex'))));
    const stats = fanout.stats();
    assert.equal(stats.batches, distinct.size, 'each lane batch framed once');
    assert.equal(
      stats.sends,
      clients.reduce((n, c) => n + c.binary.length, 0),
    );
    assert.ok(stats.sends > stats.batches);
    assert.equal(stats.skippedSends, 0);
  } finally {
    fanout.close();
    await server.close();
  }
});

void test("a listener joining mid-stream gets its lane's next batch, never a frame twice", async () => {
  const fanout = new AudienceFanout({ windowFrames: 3, maxWindowFrames: 3, maxHoldMs: 60 });
  const server = await startFanoutServer(fanout);
  try {
    const early = await connectClient(server.url);
    await waitFor(() => fanout.size === 1);
    const frames = toneFrames(9);
    for (const f of frames.slice(0, 4)) fanout.push(f);
    const late = await connectClient(server.url);
    await waitFor(() => fanout.size === 2);
    for (const f of frames.slice(4)) fanout.push(f);
    await waitFor(() => seqsOf(late).includes(8) && seqsOf(early).includes(8));
    // the late socket joined an idle lane whose last turn was frame 1: it starts at frame 2
    assert.deepEqual(seqsOf(late), [2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(seqsOf(early), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  } finally {
    fanout.close();
    await server.close();
  }
});

void test('a frame does not wait past maxHoldMs when the next one is late', async () => {
  const fanout = new AudienceFanout({ windowFrames: 3, maxHoldMs: 60 });
  const server = await startFanoutServer(fanout);
  try {
    const c = await connectClient(server.url);
    await waitFor(() => fanout.size === 1);
    const [f0, f1] = toneFrames(2);
    const t0 = Date.now();
    fanout.push(f0!); // this socket's lane has the first turn: sent at once
    fanout.push(f1!); // the next lane's turn: frame 1 waits for the hold timer
    await waitFor(() => c.binary.length === 2, 1000, 'the held frame');
    const waited = c.binaryAt[1]! - t0;
    assert.ok(waited >= 55 && waited < 250, `flushed after ${waited} ms`);
    assert.deepEqual(seqsOf(c), [0, 1]);
  } finally {
    fanout.close();
    await server.close();
  }
});

void test('a seq gap closes the batch so every batch holds consecutive frames', async () => {
  const fanout = new AudienceFanout({ windowFrames: 3, maxWindowFrames: 3, maxHoldMs: 60 });
  const server = await startFanoutServer(fanout);
  try {
    const c = await connectClient(server.url);
    await waitFor(() => fanout.size === 1);
    const frames = toneFrames(8);
    for (const i of [0, 1, 5, 6, 7]) fanout.push(frames[i]!);
    await waitFor(() => seqsOf(c).length === 5);
    assert.deepEqual(
      c.binary.map((b) => decodeAudioBatch(new Uint8Array(b))!.map((f) => f.seq)),
      [[0], [1], [5, 6], [7]],
    );
  } finally {
    fanout.close();
    await server.close();
  }
});

void test('a bulletin is serialised once and reaches every listener as text', async () => {
  const fanout = new AudienceFanout({ maxWindowFrames: 3 });
  const server = await startFanoutServer(fanout);
  try {
    const clients = await Promise.all([connectClient(server.url), connectClient(server.url)]);
    await waitFor(() => fanout.size === 2);
    const msg: AudienceServerMessage = { type: 'reactions', windowMs: 1000, counts: { '🔥': 3 } };
    fanout.bulletin(msg);
    await waitFor(() => clients.every((c) => c.text.length === 1));
    for (const c of clients) assert.deepEqual(JSON.parse(c.text[0]!), msg);
    assert.equal(fanout.stats().bulletins, 1);
    const target = server.accepted[1]!;
    assert.equal(fanout.socketsOf(asUserId('u1')).has(target), true);
    assert.equal(fanout.sendTo(target, { type: 'invited' }), true);
    await waitFor(() => clients[1].text.length === 2);
    assert.deepEqual(JSON.parse(clients[1].text[1]!), { type: 'invited' });
    assert.equal(clients[0].text.length, 1, 'sendTo reaches only its socket');
  } finally {
    fanout.close();
    await server.close();
  }
});

void test('a detached or closed socket gets nothing more and is forgotten', async () => {
  const fanout = new AudienceFanout({ windowFrames: 1, maxWindowFrames: 1 });
  const server = await startFanoutServer(fanout);
  try {
    const [a, b] = await Promise.all([connectClient(server.url), connectClient(server.url)]);
    await waitFor(() => fanout.size === 2);
    const frames = toneFrames(3);
    fanout.push(frames[0]!);
    await waitFor(() => a.binary.length === 1 && b.binary.length === 1);
    assert.equal(fanout.detach(server.accepted[0]!), true);
    assert.equal(fanout.detach(server.accepted[0]!), false);
    fanout.push(frames[1]!);
    await waitFor(() => b.binary.length === 2);
    assert.equal(a.binary.length, 1);
    b.ws.close();
    await b.closed;
    await waitFor(() => fanout.size === 0, 2000, 'owner detaches on close');
  } finally {
    fanout.close();
    await server.close();
  }
});

void test('close() detaches and closes every socket, is idempotent, and later calls throw', async () => {
  const fanout = new AudienceFanout({ maxWindowFrames: 3 });
  const server = await startFanoutServer(fanout);
  try {
    const c = await connectClient(server.url);
    await waitFor(() => fanout.size === 1);
    fanout.close({ code: ERRORS.space_ended.ws, reason: 'space_ended' });
    fanout.close();
    assert.deepEqual(await c.closed, { code: 4410, reason: 'space_ended' });
    assert.equal(fanout.size, 0);
    assert.throws(() => fanout.push(toneFrames(1)[0]!), /closed/);
    assert.throws(() => fanout.bulletin({ type: 'pong' }), /closed/);
  } finally {
    await server.close();
  }
});

void test('a frame with an oversized Opus packet is refused', () => {
  const fanout = new AudienceFanout({ maxWindowFrames: 3 });
  assert.throws(
    () => fanout.push({ seq: 0, mixedAt: 0, opus: new Uint8Array(2000) }),
    (e: unknown) => (e as { code?: string }).code === 'invalid_field',
  );
  fanout.close();
});

void test('a notice to one listener never overtakes a bulletin posted before it', async () => {
  const fanout = new AudienceFanout({ windowFrames: 3, maxHoldMs: 60 });
  const server = await startFanoutServer(fanout);
  try {
    const c = await connectClient(server.url);
    await waitFor(() => fanout.size === 1);
    fanout.bulletin({ type: 'counts', counts: { listeningNow: 7, totalJoined: 9 } });
    assert.equal(fanout.sendTo(server.accepted[0]!, { type: 'invited' }), true);
    await waitFor(() => c.text.length === 2);
    assert.deepEqual(
      c.text.map((t) => (JSON.parse(t) as { type: string }).type),
      ['counts', 'invited'],
    );
  } finally {
    fanout.close();
    await server.close();
  }
});
