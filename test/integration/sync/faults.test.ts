// The fault drill of the issue: 10,000 audit records uploaded to the reference bureau through
// every misbehaviour it has (dropped connections, delays, 503s, requests processed twice, lost
// answers, restarts of the bureau) with the kiosk restarted between rounds — closed in-process,
// or a child process killed with SIGKILL — and the bureau ends up holding exactly those 10,000
// records, once each.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { auditVerify } from '../../../main/audit/verify.js';
import { enrol } from '../../../main/sync/enrol.js';
import { startBureau, type Bureau } from '../../../tools/bureau/index.js';
import { tempDir } from '../store/fixtures.js';
import { openKiosk, type TestKiosk } from './kiosk.js';

const CHILD = fileURLToPath(new URL('./sync-child.ts', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const TOTAL = 10_000;
const ROUNDS = 8;
const BATCH_SIZES = [500, 64, 250, 500, 137, 500, 250, 64];
const FAULTS = { dropRate: 0.08, errorRate: 0.08, answerTwiceRate: 0.08, lostAnswerRate: 0.08, delayMs: 2 };
const SYNC = { maxBatchesPerSecond: 200, backoff: { baseMs: 5, capMs: 80 }, intervalMs: 20 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('audit upload through a misbehaving bureau and restarting kiosks', () => {
  it('leaves the bureau holding exactly the 10,000 records, once each', async () => {
    const dir = tempDir('verikiosk-faults-');
    const bureau = await startBureau({ port: 0, dataDir: dir.file('bureau'), demo: true, adminToken: 'faults' });
    const anchorsFile = dir.file('anchors.pem');
    writeFileSync(anchorsFile, bureau.anchorsPem());
    const path = dir.file('kiosk.db');
    const open = (batchSize = 500) =>
      openKiosk(path, { bureauUrl: bureau.url, anchorsPem: bureau.anchorsPem(), durable: false, timeoutMs: 2000, sync: { ...SYNC, batchSize } });
    try {
      const first = open();
      await enrol({ bureauUrl: bureau.url, code: bureau.unusedEnrolmentCodes()[0]!, store: first.store });
      const deviceId = first.log.deviceId;
      await first.close();

      const roundsSeen: string[] = [];
      const failures = new Set<string>();
      for (let round = 0; round < ROUNDS; round++) {
        const kiosk = open(BATCH_SIZES[round]);
        await appendRound(kiosk, round);
        bureau.faults({ ...FAULTS, seed: round + 1 });
        if (round % 2 === 0) {
          kiosk.sync.on('cycle', (report) => report.error && failures.add(report.error.code));
          roundsSeen.push(await inProcessRound(kiosk, bureau, round));
        } else {
          await kiosk.close();
          roundsSeen.push(await killedChildRound(path, bureau.url, anchorsFile, BATCH_SIZES[round]!, failures));
        }
      }

      // The network heals: the kiosk drains what is left.
      bureau.faults({});
      const last = open();
      for (let i = 0; i < 50 && last.sync.status().backlog > 0; i++) await last.sync.syncNow();
      expect(last.sync.status()).toMatchObject({ backlog: 0, acknowledgedSeq: TOTAL });

      const held = bureau.records(deviceId);
      expect(held).toHaveLength(TOTAL);
      expect(new Set(held.map((r) => r.seq)).size).toBe(TOTAL);
      const ours = [...last.store.audit.rows(1, TOTAL)];
      expect(ours).toHaveLength(TOTAL);
      const differing = held.filter((r, i) => r.seq !== ours[i]!.seq || !Buffer.from(r.body).equals(Buffer.from(ours[i]!.body!)));
      expect(differing).toEqual([]);
      expect(bureau.audit(deviceId).highWater).toBe(TOTAL);
      expect(bureau.registrations(deviceId)).toHaveLength(TOTAL / 50);
      expect(auditVerify(last.store)).toMatchObject({ ok: true, records: TOTAL, acknowledgedSeq: TOTAL });
      // The drill did hit: kiosks stopped mid-upload, connections dropped and 503s answered.
      expect(roundsSeen.some((r) => r.includes('backlog left'))).toBe(true);
      expect([...failures].sort()).toEqual(['bureau_error', 'bureau_unreachable']);
      await last.close();
    } finally {
      await bureau.close();
      dir.remove();
    }
  }, 90_000);
});

/** Writes this round's share of records; every 50th carries a sealed guest registration. */
async function appendRound(kiosk: TestKiosk, round: number): Promise<void> {
  const per = TOTAL / ROUNDS;
  for (let i = 0; i < per; i++) {
    const seq = round * per + i + 1;
    if (seq % 50 === 0) {
      await kiosk.log.append(
        { kind: 'card_read', outcome: 'read' },
        { name: 'Fault Drill', documentType: 'CN-RIC', documentNumber: '11010519491231002X', birthDate: '1949-12-31', address: 'Drill Road 1', checkInMs: 1_750_000_000_000 + seq },
      );
    } else {
      await kiosk.log.append({ kind: 'verification', result: 'valid', reasons: [], trustListSeq: seq });
    }
  }
}

/** Syncs for a while in this process (restarting the bureau midway in some rounds), then stops the kiosk mid-flight. */
async function inProcessRound(kiosk: TestKiosk, bureau: Bureau, round: number): Promise<string> {
  kiosk.sync.start();
  if (round % 4 === 2) {
    await sleep(20 + Math.random() * 60);
    await bureau.restart();
  }
  await sleep(20 + Math.random() * 200);
  const backlog = kiosk.sync.status().backlog;
  await kiosk.close();
  return `round ${round}: in-process, ${backlog > 0 ? `backlog left ${backlog}` : 'drained'}`;
}

/** Runs the sync in a child and kills it with SIGKILL soon after its first acknowledgement (or blindly). */
function killedChildRound(path: string, url: string, anchorsFile: string, batchSize: number, failures: Set<string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, path, url, anchorsFile, String(batchSize)], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let acks = 0;
    let idle = false;
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const kill = () => child.kill('SIGKILL');
    const watchdog = setTimeout(kill, 20_000);
    child.stdout.setEncoding('utf8');
    let pending = '';
    child.stdout.on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('ack ')) acks++;
        if (line.startsWith('fail ')) failures.add(line.slice(5));
        if (line === 'idle') idle = true;
        if ((line.startsWith('ack ') || line === 'idle') && timer === undefined) timer = setTimeout(kill, Math.random() * 250);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(watchdog);
      if (signal !== 'SIGKILL') reject(new Error(`sync child ended by itself (code ${code}): ${stderr.slice(0, 2000)}`));
      else resolve(`child killed after ${acks} acknowledged batches, ${idle ? 'drained' : 'backlog left'}`);
    });
  });
}
