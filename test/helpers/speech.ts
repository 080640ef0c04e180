/**
 * Known sentences as audio, for caption tests: espeak-ng speaks them and sox resamples to raw
 * mono 16-bit PCM without dither (dither is random: pocketsphinx heard a sentence differently
 * from run to run with it). The voice is fixed (en-us+f2 at 160 words a minute, the one pocketsphinx's
 * US model understood best of the espeak voices tried), so the audio is the same on every run.
 */
import { execFileSync } from 'node:child_process';

export const SPEECH_VOICE = ['-v', 'en-us+f2', '-s', '160'];

/** `text` spoken at `sampleRate` Hz, mono s16 */
export function speak(text: string, sampleRate = 16_000): Int16Array {
  const wav = execFileSync('espeak-ng', [...SPEECH_VOICE, '--stdout', text], { maxBuffer: 64 << 20 });
  const raw = execFileSync(
    'sox',
    [
      '-D',
      '-t',
      'wav',
      '-',
      '-r',
      String(sampleRate),
      '-c',
      '1',
      '-b',
      '16',
      '-e',
      'signed',
      '-t',
      'raw',
      '-',
    ],
    { input: wav, maxBuffer: 64 << 20 },
  );
  return new Int16Array(raw.buffer, raw.byteOffset, raw.byteLength >> 1).slice();
}

/** `ms` of silence at `sampleRate` */
export function silence(ms: number, sampleRate = 16_000): Int16Array {
  return new Int16Array(Math.round((ms * sampleRate) / 1000));
}

/** the parts one after another */
export function concat(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
