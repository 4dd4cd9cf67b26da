// Pseudo-terminal pairs made by socat for the serial integration tests, and the child processes
// those tests start: tracked, stopped after each test, killed if the worker exits mid-test.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from './wait.js';

const children = new Set<ChildProcess>();
let pairs = 0;

/** SIGKILL to every tracked child still running: the last resort, on exit or after all tests. */
export function killChildren(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
process.once('exit', killChildren);

/** Registers `child` to be stopped by stopChildren() (and killed on exit); returns it. */
export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** SIGTERM, then SIGKILL if it has not exited within 2 s; resolves once it has exited. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
  await exited;
  clearTimeout(timer);
}

/** Stops every tracked child (for afterEach, pass or fail). */
export async function stopChildren(): Promise<void> {
  await Promise.all([...children].map(stopChild));
}

/** Resolves with the first match once `child` has printed `pattern` on `stream`; rejects if it exits first. */
export function outputShows(child: ChildProcess, stream: 'stdout' | 'stderr', pattern: RegExp, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (data: Buffer): void => {
      seen += data.toString();
      const match = pattern.exec(seen);
      if (match) {
        child[stream]?.off('data', onData);
        child.off('exit', onExit);
        resolve(match[0]);
      }
    };
    const onExit = (code: number | null): void => reject(new Error(`${what} exited (${String(code)}) before ${String(pattern)}: ${seen}`));
    child[stream]?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** A tracked socat joining two ptys linked at `simPath` and `hostPath`; resolves once both links exist and it moves data. */
export async function startSocat(simPath: string, hostPath: string): Promise<ChildProcess> {
  const socat = track(spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${simPath}`, `pty,raw,echo=0,link=${hostPath}`], { stdio: ['ignore', 'ignore', 'pipe'] }));
  await outputShows(socat, 'stderr', /starting data transfer loop/, 'socat');
  await waitFor('both pty links', () => existsSync(simPath) && existsSync(hostPath), 5000);
  return socat;
}

/** A fresh pty pair in `dir`: `sim` for the simulator's end, `host` for the driver's. */
export async function ptyPair(dir: string): Promise<{ socat: ChildProcess; sim: string; host: string }> {
  const id = ++pairs;
  const sim = join(dir, `sim-${id}`);
  const host = join(dir, `host-${id}`);
  return { socat: await startSocat(sim, host), sim, host };
}
