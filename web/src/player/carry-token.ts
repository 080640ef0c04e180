/**
 * The server names another node without knowing the listener's token (a drain sends the same
 * URL to everyone): a signed-in listener keeps its own token on the new URL.
 */
export function carryToken(from: string, to: string): string {
  const token = new URL(from, 'http://x').searchParams.get('token');
  if (!token) return to;
  const next = new URL(to, from.startsWith('ws') ? from : 'http://x');
  if (!next.searchParams.has('token')) next.searchParams.set('token', token);
  return /^wss?:/.test(to) ? next.toString() : next.pathname + next.search;
}
