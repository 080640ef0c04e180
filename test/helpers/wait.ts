/** Waiting the way the integration tests do: polling a condition, retrying like a client. */

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** polls `pred` every 25 ms; throws `timed out: <label>` after `timeoutMs` */
export async function until(
  pred: () => boolean | Promise<boolean>,
  timeoutMs: number,
  label: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${label}`);
    await sleep(25);
  }
}

/** what a client does (every 200 ms): retry until a node answers */
export async function retry<T>(fn: (i: number) => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; ; i++) {
    try {
      return await fn(i);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(200);
    }
  }
}
