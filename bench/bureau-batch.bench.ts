// The reference bureau taking 500-record audit batches over loopback HTTP (decode, chain, Merkle
// root, tree-head signature, one synchronous=FULL transaction), beside a bare better-sqlite3
// transaction inserting 500 rows of the same size with the same pragmas, measured in the same run.
// Goal from issue 3: a 100,000-record backlog drains at ≥ 5,000 records/s, so a batch takes < 100 ms.
import { createPrivateKey, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { AuditLog, MerkleFrontier, treeHeadBytes } from '../main/audit/index.js';
import { openStore } from '../main/store/index.js';
import { startBureau } from '../tools/bureau/index.js';
import { verificationEvent } from './fixtures.js';
import { fmtUs, report, summarize } from './lib.js';

const BATCH = 500;
const BATCHES = 60;

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'verikiosk-bench-bureau-'));
  const bureau = await startBureau({ dataDir: join(dir, 'bureau') });
  const store = openStore(':memory:');
  try {
    let now = 1_790_000_000_000;
    const log = AuditLog.open(store, {
      clock: { wallMs: () => (now += 250), trusted: () => true, monotonicUs: () => now * 1000, bootId: 'bench-boot' },
      bureauPublicKey: bureau.sealPublicKey,
    });
    for (let i = 0; i < BATCH * BATCHES; i++) {
      await log.append(verificationEvent(i));
    }
    // The kiosk's side, prepared before timing: bodies and a head signed at each batch's end.
    const key = createPrivateKey({ key: Buffer.from(store.meta.get('device_key')!), format: 'der', type: 'pkcs8' });
    const frontier = new MerkleFrontier();
    const bodies: string[] = [];
    const rows = [...store.audit.rows(1, BATCH * BATCHES)];
    for (let b = 0; b < BATCHES; b++) {
      const slice = rows.slice(b * BATCH, (b + 1) * BATCH);
      for (const row of slice) frontier.append(row.leafHash);
      const head = { size: frontier.size, timestampMs: now, root: frontier.root() };
      const signature = sign(null, treeHeadBytes(log.deviceId, head), key);
      bodies.push(
        JSON.stringify({
          firstSeq: slice[0]!.seq,
          lastSeq: slice.at(-1)!.seq,
          records: slice.map((r) => ({ seq: r.seq, body: Buffer.from(r.body!).toString('base64') })),
          treeHead: { ...head, root: Buffer.from(head.root).toString('base64'), signature: signature.toString('base64') },
        }),
      );
    }
    bureau.addEnrolmentCodes(['BENCH']);
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), log.devicePublicKey]).toString('base64');
    await fetch(`${bureau.url}/v1/devices`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enrolmentCode: 'BENCH', deviceId: log.deviceId, publicKey: spki }),
    });

    const bare = new Database(join(dir, 'bare.db'));
    bare.pragma('journal_mode = WAL');
    bare.pragma('synchronous = FULL');
    bare.exec('CREATE TABLE t (device TEXT NOT NULL, seq INTEGER NOT NULL, body BLOB NOT NULL, PRIMARY KEY (device, seq)) WITHOUT ROWID');
    const insert = bare.prepare<[string, number, Uint8Array]>('INSERT INTO t (device, seq, body) VALUES (?, ?, ?)');
    const insertAll = bare.transaction((from: number) => {
      for (let i = 0; i < BATCH; i++) insert.run(log.deviceId, from + i, rows[i % rows.length]!.body!);
    });

    const oursUs: number[] = [];
    const anchorUs: number[] = [];
    const drainStart = performance.now();
    for (let b = 0; b < BATCHES; b++) {
      const t0 = performance.now();
      const res = await fetch(`${bureau.url}/v1/devices/${log.deviceId}/audit`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: bodies[b]!,
      });
      const answer = (await res.json()) as { highWater?: number; error?: string };
      oursUs.push((performance.now() - t0) * 1000);
      if (answer.highWater !== (b + 1) * BATCH) throw new Error(`batch ${b + 1}: ${JSON.stringify(answer)}`);
      const t1 = performance.now();
      insertAll(b * BATCH + 1);
      anchorUs.push((performance.now() - t1) * 1000);
    }
    const drainMs = performance.now() - drainStart;
    const ours = summarize(oursUs.slice(5));
    const anchor = summarize(anchorUs.slice(5));
    report({
      name: `bureau: one ${BATCH}-record audit batch over loopback HTTP, p50 (p99 ${fmtUs(ours.p99Us)})`,
      value: fmtUs(ours.p50Us),
      anchor: `bare ${BATCH}-row INSERT transaction synchronous=FULL WAL p50 ${fmtUs(anchor.p50Us)}`,
      ratio: ours.p50Us / anchor.p50Us,
      goal: '< 100 ms per batch',
      pass: ours.p99Us < 100_000,
    });
    // The interleaved anchor inserts are taken out of the wall time.
    const bureauMs = drainMs - anchorUs.reduce((a, b) => a + b, 0) / 1000;
    const perSecond = ((BATCH * BATCHES) / bureauMs) * 1000;
    report({
      name: `bureau: ${BATCH * BATCHES} records taken in ${BATCHES} sequential batches (client prepared beforehand)`,
      value: `${Math.round(perSecond)} records/s`,
      goal: '≥ 5,000 records/s',
      pass: perSecond >= 5000,
    });
    bare.close();
  } finally {
    store.close();
    await bureau.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
