/**
 * The signed-in account, kept in localStorage under one key so a reload stays signed in.
 * Expired tokens are dropped on read. Listeners of `onSessionChange` re-render the header.
 */
import type { AuthResponse, PublicUser } from '../../../src/protocol/api.js';

const KEY = 'rostra.session';

export interface Session {
  user: PublicUser;
  token: string;
  /** ms since epoch */
  expiresAt: number;
}

const listeners = new Set<() => void>();

export function getSession(): Session | null {
  let raw: string | null = null;
  try {
    raw = localStorage.getItem(KEY);
  } catch {
    return null;
  }
  if (!raw) return null;
  try {
    const s = JSON.parse(raw) as Session;
    if (typeof s.token !== 'string' || typeof s.user?.id !== 'string') return null;
    if (typeof s.expiresAt === 'number' && s.expiresAt <= Date.now()) {
      localStorage.removeItem(KEY);
      return null;
    }
    return s;
  } catch {
    return null;
  }
}

export function saveSession(auth: AuthResponse): void {
  const s: Session = { user: auth.user, token: auth.token, expiresAt: auth.expiresAt };
  localStorage.setItem(KEY, JSON.stringify(s));
  for (const fn of listeners) fn();
}

export function clearSession(): void {
  localStorage.removeItem(KEY);
  for (const fn of listeners) fn();
}

export function onSessionChange(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
