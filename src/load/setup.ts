/**
 * Prepares the Space the load runs against: signs up a host account, creates a Space, goes
 * live from the host's stage socket, and brings extra speaker accounts on stage (invite ->
 * accept on their listen socket). Or, with --space, uses an existing live Space.
 */
import { randomBytes } from 'node:crypto';
import { JsonSocket } from './json-socket.js';

export interface Account {
  token: string;
  id: string;
}

export interface PreparedSpace {
  spaceId: string;
  /** accounts that may publish: the host first, then invited speakers */
  speakers: Account[];
  /** ends the Space if we created it and closes our sockets; idempotent */
  close(): Promise<void>;
}

async function post<T>(base: string, path: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`POST ${path}: ${res.status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}

async function signUp(base: string, role: string): Promise<Account> {
  const handle = `load_${role}_${randomBytes(5).toString('hex')}`.slice(0, 32);
  const res = await post<{ token: string; user: { id: string } }>(base, '/v1/accounts', {
    handle,
    password: randomBytes(12).toString('hex'),
  });
  return { token: res.token, id: res.user.id };
}

const wsUrl = (base: string, path: string, token: string) =>
  `${base.replace(/^http/, 'ws')}${path}?token=${encodeURIComponent(token)}`;

/** creates a live Space with `speakers` accounts on stage (the host counts as the first) */
export async function prepareSpace(base: string, speakers: number, title: string): Promise<PreparedSpace> {
  const host = await signUp(base, 'host');
  const { space } = await post<{ space: { id: string } }>(base, '/v1/spaces', { title }, host.token);
  const spaceId = space.id;
  const sockets: JsonSocket[] = [];
  const stage = await JsonSocket.open(wsUrl(base, `/v1/spaces/${spaceId}/stage`, host.token));
  sockets.push(stage);
  await stage.waitFor((m) => m.type === 'welcome', 'stage welcome');
  await stage.command({ type: 'go_live' });
  // everyone comes on stage muted (no hot mics); a bot that publishes unmutes itself
  await stage.command({ type: 'unmute' });
  const accounts: Account[] = [host];
  for (let i = 1; i < speakers; i++) {
    const guest = await signUp(base, 'spk');
    const listen = await JsonSocket.open(wsUrl(base, `/v1/spaces/${spaceId}/listen`, guest.token));
    sockets.push(listen);
    await listen.waitFor((m) => m.type === 'welcome', 'speaker welcome');
    await stage.command({ type: 'invite_to_stage', userId: guest.id });
    await listen.waitFor((m) => m.type === 'invited', 'invite');
    await listen.command({ type: 'accept_invite' });
    await listen.waitFor((m) => m.type === 'role' && m.role !== 'listener', 'speaker role');
    await post(base, `/v1/spaces/${spaceId}/actions`, { type: 'unmute' }, guest.token);
    accounts.push(guest);
  }
  let closed = false;
  return {
    spaceId,
    speakers: accounts,
    async close() {
      if (closed) return;
      closed = true;
      await stage.command({ type: 'end_space' }).catch(() => undefined);
      for (const s of sockets) s.close();
    },
  };
}
