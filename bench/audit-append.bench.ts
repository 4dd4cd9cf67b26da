// Durable audit append (validation, CBOR record, pseudonym, chain and leaf hashes, one
// synchronous=FULL WAL commit) against a bare better-sqlite3 INSERT of the same row with the same
// pragmas, measured in the same run and interleaved block by block so both see the same disk.
// Goal from the issue: p99 ratio ≤ 1.5, taken as the median of five rounds' ratios.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { AuditLog, generateBureauKeyPair, systemClock } from '../main/audit/index.js';
import { openStore } from '../main/store/index.js';
import { verificationEvent } from './fixtures.js';
import { fmtUs, report, summarize } from './lib.js';

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'verikiosk-bench-'));
  try {
    const store = openStore(join(dir, 'audit.db'));
    const bureau = await generateBureauKeyPair();
    const log = AuditLog.open(store, { clock: systemClock(() => true), bureauPublicKey: bureau.publicKey });
    const sample = await log.append(verificationEvent(0));

    // Anchor: the same pragmas the store uses and one autocommitted INSERT of the row an append
    // stores (seq, wall time, kind, two 32-byte hashes, the record bytes) into a table of the
    // same columns, without the append's work: validation, encoding, hashing, the seq check.
    // (Until this session the anchor stored only the record bytes, about 90 bytes less a row; a
    // longer row fills a page sooner, and each page split commits three pages instead of one.)
    const bare = new Database(join(dir, 'bare.db'));
    bare.pragma('journal_mode = WAL');
    bare.pragma('synchronous = FULL');
    bare.exec('CREATE TABLE t (seq INTEGER PRIMARY KEY, wall_ms INTEGER NOT NULL, kind TEXT NOT NULL, leaf_hash BLOB NOT NULL, chain_hash BLOB NOT NULL, body BLOB)');
    const insertRow = bare.prepare<[number, string, Uint8Array, Uint8Array, Uint8Array]>(
      'INSERT INTO t (wall_ms, kind, leaf_hash, chain_hash, body) VALUES (?, ?, ?, ?, ?)',
    );
    const body = crypto.getRandomValues(new Uint8Array(sample.bytes.length));
    const leaf = crypto.getRandomValues(new Uint8Array(32));
    const chain = crypto.getRandomValues(new Uint8Array(32));
    const insert = { run: () => insertRow.run(Date.now(), sample.record.event.kind, leaf, chain, body) };

    const registration = {
      name: 'Bench Guest',
      documentType: 'ID',
      documentNumber: '110105194912310021',
      birthDate: '1949-12-31',
      address: 'Bench Road 1',
      checkInMs: Date.now(),
    };
    // Blocks of bare INSERTs and of appends alternate (which goes first alternates too), so drift
    // in disk or load hits both alike; `sealedPerBlock` sealed appends follow each pair of blocks.
    const measure = async (blocks: number, perBlock: number, sealedPerBlock: number) => {
      const anchorUs: number[] = [];
      const oursUs: number[] = [];
      const sealedUs: number[] = [];
      const anchorBlock = (): void => {
        for (let i = 0; i < perBlock; i++) {
          const t0 = performance.now();
          insert.run();
          anchorUs.push((performance.now() - t0) * 1000);
        }
      };
      const oursBlock = async (): Promise<void> => {
        for (let i = 0; i < perBlock; i++) {
          const t0 = performance.now();
          await log.append(verificationEvent(i));
          oursUs.push((performance.now() - t0) * 1000);
        }
      };
      for (let block = 0; block < blocks; block++) {
        if (block % 2 === 0) {
          anchorBlock();
          await oursBlock();
        } else {
          await oursBlock();
          anchorBlock();
        }
        for (let i = 0; i < sealedPerBlock; i++) {
          const t0 = performance.now();
          await log.append({ kind: 'card_read', outcome: 'read' }, { ...registration, checkInMs: Date.now() });
          sealedUs.push((performance.now() - t0) * 1000);
        }
      }
      return { anchor: summarize(anchorUs), ours: summarize(oursUs), sealed: summarize(sealedUs) };
    };

    // Warm-up both paths (3,000 each: the JIT, and the first thousands of commits, which grow the
    // WAL and database files and so slow every fsync), then five measured rounds, each 6,000 plain
    // appends beside 6,000 bare INSERTs, so a round's p99 is its 60th slowest. The goal figure is
    // the median of the five rounds' p99 ratios: one round caught by a burst of disk or scheduler
    // noise moves a pooled p99 by ±15 % from run to run, and the median of rounds does not follow it.
    await measure(10, 150, 0);
    const rounds: Awaited<ReturnType<typeof measure>>[] = [];
    for (let r = 0; r < 5; r++) rounds.push(await measure(40, 150, 0));
    const roundRatios = rounds.map((m) => m.ours.p99Us / m.anchor.p99Us);
    const ratio = summarize(roundRatios).p50Us;
    const median = (pick: (m: (typeof rounds)[number]) => number): number => summarize(rounds.map(pick)).p50Us;
    report({
      name: `durable audit append p99 (5 rounds of ${rounds[0]!.ours.samples} appends, record ${sample.bytes.length} B; median of rounds)`,
      value: fmtUs(median((m) => m.ours.p99Us)),
      anchor: `bare INSERT of the same row, synchronous=FULL WAL, p99 ${fmtUs(median((m) => m.anchor.p99Us))}`,
      ratio,
      goal: 'ratio ≤ 1.5',
      pass: ratio <= 1.5,
    });
    console.log(
      `  (per-round p99 ratios ${roundRatios.map((x) => x.toFixed(2)).join(', ')}; ` +
        `p50 ${fmtUs(median((m) => m.ours.p50Us))} vs ${fmtUs(median((m) => m.anchor.p50Us))})`,
    );
    // The same with a sealed guest registration after every ten appends: sealing (HPKE through
    // WebCrypto) leaves about 200 KB of garbage each, and the collector pauses it causes land in
    // the plain appends around it. Reported, not held to the goal: it measures the seal's garbage
    // as much as the append.
    const mixed = await measure(20, 100, 10);
    console.log(
      `  mixed, a sealed append after every ten: plain append p99 ${fmtUs(mixed.ours.p99Us)} vs bare ${fmtUs(mixed.anchor.p99Us)}, ` +
        `ratio ${(mixed.ours.p99Us / mixed.anchor.p99Us).toFixed(2)}; sealed append p50 ${fmtUs(mixed.sealed.p50Us)}, p99 ${fmtUs(mixed.sealed.p99Us)}`,
    );
    bare.close();
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
