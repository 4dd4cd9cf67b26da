// Waiting in tests that run on real time (real serial stacks, real processes): a sleep, and
// polling a condition with a deadline that names what was awaited when it passes.
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 10 ms; rejects naming `what` after `ms`. */
export async function waitFor(what: string, check: () => boolean, ms = 8000): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}
