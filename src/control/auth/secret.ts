/**
 * The token signing secret. Taken from configuration when given (`--token-secret` /
 * ROSTRA_TOKEN_SECRET; at least 32 bytes as UTF-8), otherwise from `<dataDir>/jwt-secret`, which is
 * created on first start with 32 random bytes (base64url) and mode 0600, so tokens survive
 * restarts. In a cluster every node must share one secret: configure it, do not rely on the file.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MIN_SECRET_BYTES } from './tokens.js';

export const SECRET_FILE = 'jwt-secret';

export interface SecretSource {
  /** the configured secret (config.tokenSecret); empty or undefined = use the file */
  secret?: string | undefined;
  /** directory of the secret file, created (0700) if missing */
  dataDir: string;
}

export async function loadTokenSecret(source: SecretSource): Promise<Uint8Array> {
  if (source.secret) {
    const bytes = new TextEncoder().encode(source.secret);
    if (bytes.length < MIN_SECRET_BYTES) {
      throw new Error(`the configured token secret must be at least ${MIN_SECRET_BYTES} bytes`);
    }
    return bytes;
  }
  await mkdir(source.dataDir, { recursive: true, mode: 0o700 });
  const path = join(source.dataDir, SECRET_FILE);
  // written whole to a temp file, then link()ed into place: link fails if the file exists, so
  // two processes starting together agree on one secret and never read a half-written file
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, randomBytes(32).toString('base64url') + '\n', { flag: 'wx', mode: 0o600 });
  try {
    await link(temp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    await rm(temp, { force: true });
  }
  const secret = Buffer.from((await readFile(path, 'utf8')).trim(), 'base64url');
  if (secret.length < MIN_SECRET_BYTES) {
    throw new Error(`${path} holds fewer than ${MIN_SECRET_BYTES} bytes; delete it to make a new one`);
  }
  return new Uint8Array(secret);
}
