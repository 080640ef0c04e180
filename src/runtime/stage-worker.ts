/**
 * Worker thread entry: the node's whole stage plane (speakers' WebRTC over werift, forwarding
 * between speakers, one mixer worker per Space started from here) runs the in-process adapter
 * (src/runtime/stage-adapter.ts) on this thread, so the main thread's audience fan-out cannot
 * delay a speaker's packets. Calls arrive as messages; every event is posted back.
 *
 * Logging: records at or above the node's level are posted to the main thread and written by
 * the node's logger there (src/runtime/stage-thread.ts), with their bindings.
 * Lifecycle: ready on load; `close` ends every session and mixer, answers `closed`, and the
 * main thread then terminates the thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isRostraError } from '../core/errors.js';
import { setThreadNice } from '../core/thread-priority.js';
import type { Logger } from '../core/log.js';
import { createStagePlane } from './stage-adapter.js';
import type {
  FromStageWorker,
  LogLevel,
  StageCall,
  StageWorkerData,
  ToStageWorker,
  WireError,
} from './stage-thread-messages.js';

const port = parentPort;
if (!port) throw new Error('stage-worker must run in a worker thread');
const data = workerData as StageWorkerData;
const post = (m: FromStageWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

const RANK: Record<LogLevel, number> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Infinity,
};

/** an Error (or anything) as plain data that survives structured cloning */
function plainError(e: unknown): Record<string, unknown> {
  if (!(e instanceof Error)) return { message: String(e) };
  const out: Record<string, unknown> = { type: e.name, message: e.message, stack: e.stack };
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') out.code = code;
  return out;
}

/** object fields a log record may carry across the thread (errors flattened, others cloned or stringified) */
function plainFields(obj: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v instanceof Error) out[k] = plainError(v);
    else if (v === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof v)) out[k] = v;
    else {
      try {
        out[k] = structuredClone(v);
      } catch {
        out[k] = String(v);
      }
    }
  }
  return out;
}

function threadLogger(min: number, bindings: Record<string, unknown> = {}): Logger {
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (obj: object, msg?: string): void => {
      if (RANK[level] < min) return;
      post({
        type: 'log',
        level,
        obj: { ...bindings, ...plainFields(obj) },
        ...(msg !== undefined && { msg }),
      });
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => threadLogger(min, { ...bindings, ...plainFields(more) }),
  };
}

const log = threadLogger(RANK[data.logLevel]);
const plane = createStagePlane(log, data.ice);

plane.events.on('frame', (spaceId, frame) => {
  // the mixer worker's frames own their whole buffer: hand it on without a copy
  const own =
    frame.opus.byteOffset === 0 && frame.opus.byteLength === frame.opus.buffer.byteLength
      ? frame.opus
      : new Uint8Array(frame.opus);
  post({ type: 'frame', spaceId, seq: frame.seq, mixedAt: frame.mixedAt, opus: own }, [
    own.buffer as ArrayBuffer,
  ]);
});
plane.events.on('levels', (spaceId, levels) =>
  post({ type: 'levels', spaceId, levels, stats: plane.stats() }),
);
plane.events.on('speech', (spaceId, endsAt, chunks) =>
  // each chunk owns its buffer (copied in the mixer worker): transferred, not cloned
  post(
    { type: 'speech', spaceId, endsAt, chunks },
    chunks.map((c) => c.pcm.buffer as ArrayBuffer),
  ),
);
plane.events.on('publishing', (spaceId, userId, up) => post({ type: 'publishing', spaceId, userId, up }));
plane.events.on('slots', (spaceId, userId, slots) => post({ type: 'slots', spaceId, userId, slots }));
plane.events.on('sessionClosed', (spaceId, userId, sessionId) =>
  post({ type: 'sessionClosed', spaceId, userId, sessionId }),
);
plane.events.onListenerError = (err, event) =>
  log.error({ err, event }, 'stage worker: posting an event failed');

function wireError(e: unknown): WireError {
  if (isRostraError(e)) {
    return {
      name: e.name,
      message: e.message,
      code: e.code,
      ...(e.details !== undefined && { details: plainFields({ d: e.details }).d }),
    };
  }
  return e instanceof Error ? { name: e.name, message: e.message } : { name: 'Error', message: String(e) };
}

async function call(c: StageCall): Promise<unknown> {
  switch (c.method) {
    case 'createSession':
      return plane.createSession(c.args);
    case 'closeSession':
      return plane.closeSession(c.args.sessionId);
  }
}

let closing = false;

function handle(m: ToStageWorker): void {
  switch (m.type) {
    case 'call':
      call(m).then(
        (value) => post({ type: 'result', id: m.id, ok: true, value }),
        (e: unknown) => post({ type: 'result', id: m.id, ok: false, error: wireError(e) }),
      );
      break;
    case 'closeUser':
      plane.closeUser(m.spaceId, m.userId);
      break;
    case 'setAudible':
      plane.setAudible(m.spaceId, m.userIds);
      break;
    case 'openSpace':
      plane.openSpace(m.spaceId, m.timelineOrigin);
      break;
    case 'setSpeechTap':
      plane.setSpeechTap(m.spaceId, m.on);
      break;
    case 'closeSpace':
      plane.closeSpace(m.spaceId);
      post({ type: 'stats', stats: plane.stats() });
      break;
    case 'close':
      closing = true;
      plane.close().then(
        () => post({ type: 'closed' }),
        (err: unknown) => {
          log.error({ err }, 'closing the stage failed');
          post({ type: 'closed' });
        },
      );
      break;
  }
}

port.on('message', (m: ToStageWorker) => {
  if (closing) return;
  try {
    handle(m);
  } catch (err) {
    // in-process this would have been thrown at the caller; here it must not end the thread
    log.warn({ err, message: m.type }, 'stage worker: a request failed');
  }
});
// a speaker's packet is due when it arrives: ahead of the main thread's fan-out on a shared
// core (the mixer threads started from here inherit the value)
if (data.nice < 0) {
  if (setThreadNice(data.nice)) log.info({ nice: data.nice }, 'stage thread priority raised');
  else log.info({ nice: data.nice }, 'stage thread priority not raised: the process lacks CAP_SYS_NICE');
}
post({ type: 'ready' });
