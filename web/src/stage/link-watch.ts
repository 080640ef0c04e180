/**
 * Notices that a stage session's server went away, fast. A browser's own ICE checks take 5 s
 * ('disconnected') to 15–30 s ('failed') to notice a dead peer, and a speaker's media is
 * one-way, so this watches what the server sends back instead: its RTCP receiver reports
 * (werift sends one every 0.5–1.5 s), the ICE consent answers, and the other speakers' audio.
 * All of it counts in the transport's `bytesReceived`. Once the connection was up:
 *
 *   still for SUSPECT_MS (2 s)  -> onSuspect(): show it, nothing torn down yet
 *   moving again                -> onResumed()  (a busy server, a short network hiccup)
 *   still for LOST_MS (3 s), or ICE failed/closed -> onLost(): publish again
 *
 * Why these numbers: with nobody else talking, the server's receiver reports come every
 * 0.5–1.5 s, so a 1 s threshold flapped all the time (measured); a loaded server (load
 * average 30–60 here) is silent for over 2 s now and then while it is fine, and republishing
 * costs a new session. Waiting costs little after a real failover: a new home needs
 * ⅔·ttl…ttl (2–3 s with the default ttl) to exist at all.
 */

/** ms of nothing received after which the link is suspect (the UI says so) */
export const LINK_SUSPECT_MS = 2_000;
/** ms of nothing received after which a connected session counts as lost */
export const LINK_LOST_MS = 3_000;
/** ms between two looks at the transport's counters */
const POLL_MS = 250;

export interface LinkWatchOptions {
  onSuspect?: () => void;
  onResumed?: () => void;
  onLost: (why: string) => void;
}

/** Starts watching `pc`; returns the function that stops it. `onLost` fires at most once. */
export function watchLink(pc: RTCPeerConnection, o: LinkWatchOptions): () => void {
  let stopped = false;
  let suspect = false;
  let bytes = -1;
  let changedAt = 0;
  let wasUp = false;
  const lost = (why: string): void => {
    if (stopped) return;
    stop();
    o.onLost(why);
  };
  const poll = async (): Promise<void> => {
    const state = pc.connectionState;
    if (state === 'failed' || state === 'closed') return lost(`connection ${state}`);
    if (state === 'connected') wasUp = true;
    if (!wasUp) return;
    const now = performance.now();
    const received = await receivedBytes(pc);
    if (stopped) return;
    if (received !== bytes) {
      bytes = received;
      changedAt = now;
      if (suspect) {
        suspect = false;
        o.onResumed?.();
      }
    } else if (now - changedAt >= LINK_LOST_MS) {
      lost(`nothing received for ${Math.round(now - changedAt)} ms`);
    } else if (!suspect && now - changedAt >= LINK_SUSPECT_MS) {
      suspect = true;
      o.onSuspect?.();
    }
  };
  const timer = window.setInterval(() => void poll().catch(() => undefined), POLL_MS);
  const stop = (): void => {
    stopped = true;
    window.clearInterval(timer);
  };
  return stop;
}

/** bytes received on the connection's transport(s), all kinds of packets together */
async function receivedBytes(pc: RTCPeerConnection): Promise<number> {
  const report = await pc.getStats();
  let sum = 0;
  report.forEach((s: { type?: string; bytesReceived?: number }) => {
    if (s.type === 'transport') sum += s.bytesReceived ?? 0;
  });
  return sum;
}
