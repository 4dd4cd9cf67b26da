// Durable audit append (CBOR record, chain and leaf hashes, one synchronous=FULL WAL commit)
// against a bare better-sqlite3 INSERT with the same pragmas on a file, measured in the same
// run and interleaved block by block so both see the same disk. Goal from the issue: p99 ratio ≤ 1.5.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { AuditLog, generateBureauKeyPair, systemClock } from '../main/audit/index.js';
import { openStore } from '../main/store/index.js';
import { verificationEvent } from './fixtures.js';
import { fmtUs, report, summarize } from './lib.js';

const BLOCKS = 30;
const PER_BLOCK = 100;

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'verikiosk-bench-'));
  try {
    // Anchor: the same pragmas the store uses, one autocommitted INSERT of a record-sized blob.
    const bare = new Database(join(dir, 'bare.db'));
    bare.pragma('journal_mode = WAL');
    bare.pragma('synchronous = FULL');
    bare.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
    const insert = bare.prepare<[Uint8Array]>('INSERT INTO t (body) VALUES (?)');

    const store = openStore(join(dir, 'audit.db'));
    const bureau = await generateBureauKeyPair();
    const log = AuditLog.open(store, { clock: systemClock(() => true), bureauPublicKey: bureau.publicKey });
    const sample = await log.append(verificationEvent(0));
    const body = crypto.getRandomValues(new Uint8Array(sample.bytes.length));

    const anchorUs: number[] = [];
    const oursUs: number[] = [];
    const sealedUs: number[] = [];
    // Warm-up both paths, then alternate blocks so drift in disk or load hits both alike.
    for (let i = 0; i < 300; i++) {
      insert.run(body);
      await log.append(verificationEvent(i));
    }
    const anchorBlock = (): void => {
      for (let i = 0; i < PER_BLOCK; i++) {
        const t0 = performance.now();
        insert.run(body);
        anchorUs.push((performance.now() - t0) * 1000);
      }
    };
    const oursBlock = async (): Promise<void> => {
      for (let i = 0; i < PER_BLOCK; i++) {
        const t0 = performance.now();
        await log.append(verificationEvent(i));
        oursUs.push((performance.now() - t0) * 1000);
      }
    };
    for (let block = 0; block < BLOCKS; block++) {
      // Alternate which goes first, so neither always follows the sealed block's garbage.
      if (block % 2 === 0) {
        anchorBlock();
        await oursBlock();
      } else {
        await oursBlock();
        anchorBlock();
      }
      for (let i = 0; i < PER_BLOCK / 10; i++) {
        const t0 = performance.now();
        await log.append({ kind: 'card_read', outcome: 'read' }, {
          name: 'Bench Guest',
          documentType: 'ID',
          documentNumber: '110105194912310021',
          birthDate: '1949-12-31',
          address: 'Bench Road 1',
          checkInMs: Date.now(),
        });
        sealedUs.push((performance.now() - t0) * 1000);
      }
    }
    const anchor = summarize(anchorUs);
    const ours = summarize(oursUs);
    const sealed = summarize(sealedUs);
    const ratio = ours.p99Us / anchor.p99Us;
    report({
      name: `durable audit append p99 (${ours.samples} appends, record ${sample.bytes.length} B)`,
      value: fmtUs(ours.p99Us),
      anchor: `bare INSERT synchronous=FULL WAL p99 ${fmtUs(anchor.p99Us)}`,
      ratio,
      goal: 'ratio ≤ 1.5',
      pass: ratio <= 1.5,
    });
    console.log(
      `  (p50 ${fmtUs(ours.p50Us)} vs ${fmtUs(anchor.p50Us)}, ratio ${(ours.p50Us / anchor.p50Us).toFixed(2)}; ` +
        `append with sealed guest registration p50 ${fmtUs(sealed.p50Us)}, p99 ${fmtUs(sealed.p99Us)})`,
    );
    bare.close();
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
