/**
 * Ogg/Opus files from the replay timeline (the live packager's OggStream, 1 s pages): the
 * whole replay for download, or a clip. Packets go in with consecutive seq numbers, so the
 * packager neither fills nor drops anything: gaps are already silence in the plan.
 */
import { FRAME_MS } from '../protocol/audience.js';
import { OggStream } from '../audience/ogg/ogg-stream.js';
import { concatBytes } from '../audience/hls/bytes.js';

/** frames per Ogg page in files: 50 = 1 s, ~1% framing overhead */
const FILE_FRAMES_PER_PAGE = 50;

export function oggFile(
  packets: readonly Uint8Array[],
  opts: { startAt: number; serial: number; comments?: readonly string[] },
): Uint8Array {
  const stream = new OggStream({
    framesPerPage: FILE_FRAMES_PER_PAGE,
    serial: opts.serial,
    comments: opts.comments,
  });
  const pages: Uint8Array[] = [stream.headerPages()];
  stream.on('page', (p) => pages.push(p.bytes));
  packets.forEach((opus, i) => stream.push({ seq: i, mixedAt: opts.startAt + i * FRAME_MS, opus }));
  stream.end();
  stream.close();
  return concatBytes(pages);
}

/** a stable 32-bit Ogg serial from a string (FNV-1a) */
export function serialOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
