// The crash drill: a child appends audit records while it is killed with SIGKILL at random
// moments, again and again; after each kill the database is reopened and every record the
// child acknowledged must be there, byte for byte, and the log must verify. Shared by the
// integration test (50 kills) and bench/audit-crash.bench.ts (1,000).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { auditVerify, generateBureauKeyPair } from '../../../main/audit/index.js';
import { openStore } from '../../../main/store/index.js';
import { tempDir } from './fixtures.js';

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface CrashLoopOptions {
  /** How many times a child is killed. */
  readonly rounds: number;
  /** A fresh database every this many rounds (verification cost grows with the log). Default 50. */
  readonly roundsPerDatabase?: number;
  /** After the first acknowledgement, the kill comes within this many ms. Default 120. */
  readonly maxKillDelayMs?: number;
  /** Share of rounds killed blindly, timed from spawn (may hit start-up or migration). Default 0.15. */
  readonly blindKillShare?: number;
  /** Children run side by side, each on its own databases. Default 2 (one per core of a Pi-class or CI machine). */
  readonly concurrency?: number;
  /** Called after each round (progress for long runs). */
  readonly onRound?: (round: number, result: CrashRound) => void;
}

export interface CrashRound {
  readonly acknowledged: number;
  /** Acknowledged records absent or different after the kill. */
  readonly lost: number;
  readonly chainOk: boolean;
  readonly message: string;
}

export interface CrashLoopResult {
  readonly rounds: number;
  readonly acknowledged: number;
  readonly lost: number;
  readonly chainFailures: number;
  readonly durationMs: number;
  /** The first few problems, in words. */
  readonly problems: readonly string[];
}

export async function runCrashLoop(options: CrashLoopOptions): Promise<CrashLoopResult> {
  const perDatabase = options.roundsPerDatabase ?? 50;
  const maxDelay = options.maxKillDelayMs ?? 120;
  const blindShare = options.blindKillShare ?? 0.15;
  const bureau = await generateBureauKeyPair();
  const keyHex = Buffer.from(bureau.publicKey).toString('hex');
  const dir = tempDir('verikiosk-crash-');
  const started = performance.now();
  let acknowledged = 0;
  let lost = 0;
  let chainFailures = 0;
  let next = 0;
  let done = 0;
  const problems: string[] = [];
  const worker = async (lane: number): Promise<void> => {
    let roundsHere = 0;
    for (let round = next++; round < options.rounds; round = next++) {
      const path = join(dir.path, `crash-${lane}-${Math.floor(roundsHere++ / perDatabase)}.db`);
      const when = Math.random() < blindShare ? { fromSpawnMs: 50 + Math.random() * 400 } : { afterAckMs: Math.random() * maxDelay };
      const acks = await killedChild(path, keyHex, when);
      const result = checkAfterCrash(path, acks);
      acknowledged += result.acknowledged;
      lost += result.lost;
      if (!result.chainOk) chainFailures++;
      if ((result.lost > 0 || !result.chainOk) && problems.length < 10) problems.push(`round ${round + 1}: ${result.message}`);
      options.onRound?.(++done, result);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 2) }, (_, lane) => worker(lane)));
  } finally {
    dir.remove();
  }
  return { rounds: options.rounds, acknowledged, lost, chainFailures, durationMs: performance.now() - started, problems };
}

/** Spawns the child, kills it with SIGKILL at the chosen moment, returns the acks it printed (seq → leaf hash hex). */
function killedChild(path: string, keyHex: string, when: { fromSpawnMs: number } | { afterAckMs: number }): Promise<Map<number, string>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, path, keyHex], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const acks = new Map<number, string>();
    let pending = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const kill = () => child.kill('SIGKILL');
    if ('fromSpawnMs' in when) timer = setTimeout(kill, when.fromSpawnMs);
    // A child that never acknowledges is killed anyway, so a broken child fails the check instead of hanging.
    const watchdog = setTimeout(kill, 20_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const [word, seq, leaf] = line.split(' ');
        if (word === 'ack' && seq && leaf) {
          acks.set(Number(seq), leaf);
          if (timer === undefined && 'afterAckMs' in when) timer = setTimeout(kill, when.afterAckMs);
        }
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(watchdog);
      // Only a line that ended in \n counts: a half-written ack was never acknowledged.
      if (signal !== 'SIGKILL') reject(new Error(`crash child ended by itself (code ${code}): ${stderr.slice(0, 2000)}`));
      else resolve(acks);
    });
  });
}

function checkAfterCrash(path: string, acks: Map<number, string>): CrashRound {
  const store = openStore(path);
  try {
    let missing = 0;
    for (const [seq, leaf] of acks) {
      const row = store.audit.get(seq);
      if (!row || Buffer.from(row.leafHash).toString('hex') !== leaf) missing++;
    }
    const report = auditVerify(store);
    const message = missing > 0 ? `${missing} of ${acks.size} acknowledged records lost; ${report.message}` : report.message;
    return { acknowledged: acks.size, lost: missing, chainOk: report.ok, message };
  } finally {
    store.close();
  }
}
