/**
 * Starves a child Node process's event loop from a test, the way a busy machine does: the
 * process runs with `--inspect=127.0.0.1:0` (NODE_OPTIONS), the test connects to the
 * inspector it printed and evaluates a busy loop on its main thread. Its worker threads (the
 * mixer) keep running, the main thread's timers and I/O callbacks wait — exactly the stall of
 * a loaded home, without touching the product's code.
 */
import { WebSocket } from 'ws';

/** NODE_OPTIONS that make a child print its inspector URL (any free port) */
export const INSPECT_OPTIONS = { NODE_OPTIONS: '--inspect=127.0.0.1:0' };

/** the main thread's inspector URL in a child's output */
export function inspectorUrl(output: string): string {
  const m = /Debugger listening on (ws:\/\/\S+)/.exec(output);
  if (!m?.[1]) throw new Error(`no inspector URL in the output:\n${output.slice(0, 2000)}`);
  return m[1];
}

/**
 * Blocks the process's main thread for `ms` (busy loop); resolves when the loop has started
 * (the evaluation is acknowledged only when it ends, so the returned promise `done` tells that).
 */
export async function starveEventLoop(url: string, ms: number): Promise<{ done: Promise<void> }> {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const done = new Promise<void>((resolve) => {
    ws.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString()) as { id?: number };
      if (msg.id === 1) {
        ws.close();
        resolve();
      }
    });
    ws.once('close', () => resolve());
  });
  ws.send(
    JSON.stringify({
      id: 1,
      method: 'Runtime.evaluate',
      params: { expression: `(() => { const end = Date.now() + ${ms}; while (Date.now() < end); })()` },
    }),
  );
  return { done };
}
