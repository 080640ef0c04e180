/**
 * CaptionEngine on Debian's pocketsphinx (packages `pocketsphinx` and `pocketsphinx-en-us`):
 * one `pocketsphinx_continuous` child process per stream, raw 16 kHz PCM on its stdin, word
 * times on its stdout. A child per speaker keeps recognition off every thread of the node
 * (it is its own process, scheduled by the kernel) and a crash of it off the node too.
 *
 * That binary ends an utterance when its voice detector hears silence and prints only then,
 * so this engine emits finals only (`partials: false`): a caption appears when the speaker
 * pauses. Lifecycle: the child starts in open(); close() ends its stdin, which makes it print
 * the last utterance and exit (killed after `flushMs`); an unexpected exit is an 'error'.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { TypedEmitter } from '../../core/events.js';
import type { CaptionEngine, CaptionStream, CaptionStreamEvents } from '../../core/ports/captions.js';
import { SegmentReader } from './output.js';

/** where Debian's pocketsphinx-en-us puts the US English model */
export const DEBIAN_MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';

export interface PocketsphinxOptions {
  /** the binary (default `pocketsphinx_continuous` on PATH) */
  command?: string;
  /** model folder holding `en-us/` (acoustic model), `en-us.lm.bin` and `cmudict-en-us.dict` */
  modelDir?: string;
  /** ms close() waits for the last utterance before killing the child (default 5000) */
  flushMs?: number;
}

/** true when the binary and the model files are installed */
export function pocketsphinxAvailable(options: PocketsphinxOptions = {}): boolean {
  const dir = options.modelDir ?? DEBIAN_MODEL_DIR;
  if (!existsSync(`${dir}/en-us/mdef`) || !existsSync(`${dir}/en-us.lm.bin`)) return false;
  const command = options.command ?? 'pocketsphinx_continuous';
  if (command.includes('/')) return existsSync(command);
  return (process.env.PATH ?? '').split(':').some((p) => p && existsSync(`${p}/${command}`));
}

export class PocketsphinxEngine implements CaptionEngine {
  readonly name = 'pocketsphinx';
  readonly partials = false;

  constructor(private readonly options: PocketsphinxOptions = {}) {}

  open(): CaptionStream {
    return new PocketsphinxStream(this.options);
  }
}

type Child = ChildProcessByStdio<Writable, Readable, null>;

class PocketsphinxStream implements CaptionStream {
  readonly events = new TypedEmitter<CaptionStreamEvents>();
  readonly #child: Child;
  readonly #exited: Promise<void>;
  readonly #flushMs: number;
  #closing: Promise<void> | null = null;
  #ended = false;

  constructor(options: PocketsphinxOptions) {
    const dir = options.modelDir ?? DEBIAN_MODEL_DIR;
    const args = ['-time', 'yes', '-logfn', '/dev/null'];
    args.push('-hmm', `${dir}/en-us`, '-lm', `${dir}/en-us.lm.bin`, '-dict', `${dir}/cmudict-en-us.dict`);
    this.#flushMs = options.flushMs ?? 5000;
    // Node's stdio "pipes" are socket pairs, and the binary's fopen(-infile) fails on a socket:
    // bash's <(cat) hands it a real pipe, then exec makes the binary this child. Own process
    // group, so a kill ends the binary and its cat together.
    const command = options.command ?? 'pocketsphinx_continuous';
    this.#child = spawn('bash', ['-c', 'exec "$0" "$@" -infile <(exec cat)', command, ...args], {
      stdio: ['pipe', 'pipe', 'ignore'],
      detached: true,
    });
    const reader = new SegmentReader((caption) => this.events.safeEmit('final', caption));
    this.#child.stdout.setEncoding('utf8');
    this.#child.stdout.on('data', (chunk: string) => reader.push(chunk));
    this.#child.stdin.on('drain', () => this.events.safeEmit('drain'));
    // EPIPE after the child died: reported once through 'exit' below
    this.#child.stdin.on('error', () => {});
    let spawnError: Error | null = null;
    this.#child.on('error', (e) => (spawnError = e));
    this.#exited = new Promise<void>((resolve) => {
      this.#child.once('close', (code, signal) => {
        reader.flush();
        this.#ended = true;
        this.#child.stdin.destroy(); // EOF for the cat, if the binary went first
        if (!this.#closing) {
          const why = spawnError?.message ?? `exited with ${signal ?? code}`;
          this.events.safeEmit('error', new Error(`pocketsphinx ${why}`));
        }
        this.events.safeEmit('closed');
        resolve();
      });
    });
  }

  write(pcm: Int16Array): boolean {
    if (this.#closing || this.#ended) throw new Error('CaptionStream is closed');
    const bytes = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
    // copy: the caller may reuse its buffer, and the pipe writes later
    return this.#child.stdin.write(Buffer.from(bytes));
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#ended) return;
      this.#child.stdin.end();
      const timer = setTimeout(() => this.#killGroup(), this.#flushMs);
      await this.#exited;
      clearTimeout(timer);
    })();
    return this.#closing;
  }

  #killGroup(): void {
    try {
      if (this.#child.pid) process.kill(-this.#child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
