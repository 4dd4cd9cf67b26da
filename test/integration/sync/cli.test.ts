// `verikiosk enrol`, `verikiosk sync` and `verikiosk audit verify` against a real kiosk
// database and the reference bureau: output, exit status, and what they leave behind.
import { existsSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuditLog, decodeRecord, systemClock } from '../../../main/audit/index.js';
import { main } from '../../../main/cli/index.js';
import { openStore } from '../../../main/store/index.js';
import { startBureau, type Bureau } from '../../../tools/bureau/index.js';
import { tamper, tempDir, type TempDir } from '../store/fixtures.js';

let dir: TempDir;
let bureau: Bureau;
beforeAll(async () => {
  dir = tempDir('verikiosk-cli-sync-');
  bureau = await startBureau({ port: 0, dataDir: dir.file('bureau'), demo: true, adminToken: 'cli' });
});
afterAll(async () => {
  await bureau.close();
  dir.remove();
});

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  try {
    return { code: await main(argv), out, err };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

function appendRecords(data: string, count: number): void {
  const store = openStore(`${data}/kiosk.db`);
  const log = AuditLog.open(store, { clock: systemClock() });
  for (let i = 0; i < count; i++) void log.append({ kind: 'operator_action', action: 'login', operator: `staff${i}` });
  store.close();
}

describe('verikiosk audit verify', () => {
  it('says a whole log is whole, names the first bad record of an edited one, and refuses bad arguments', async () => {
    const data = dir.file('audit-kiosk');
    expect((await cli('audit', 'verify', '--data', data)).code).toBe(2);
    expect(existsSync(data)).toBe(false);
    expect((await cli('audit', 'verify')).code).toBe(2);
    expect((await cli('audit', 'check', '--data', data)).code).toBe(2);

    await cli('enrol', '--bureau', 'http://127.0.0.1:9', '--code', 'X', '--data', data); // creates the database; the bureau is not there
    appendRecords(data, 12);
    const ok = await cli('audit', 'verify', '--data', data);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/12 records/);
    const json = await cli('audit', 'verify', '--data', data, '--json');
    expect(JSON.parse(json.out)).toMatchObject({ ok: true, records: 12 });

    tamper(`${data}/kiosk.db`, (db) => db.prepare("UPDATE audit_record SET body = x'00' WHERE seq = 7").run());
    const bad = await cli('audit', 'verify', '--data', data, '--json');
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.out)).toMatchObject({ ok: false, firstBadSeq: 7 });
  });
});

describe('verikiosk enrol and sync', () => {
  it('enrols, then syncs once: lists in force, records uploaded, list updates recorded', async () => {
    const data = dir.file('kiosk-a');
    expect((await cli('enrol', '--bureau', bureau.url, '--data', data)).code).toBe(2);
    const refused = await cli('enrol', '--bureau', bureau.url, '--code', 'NOT-A-CODE', '--data', data);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('unknown_code');

    const code = bureau.unusedEnrolmentCodes()[0]!;
    const enrolled = await cli('enrol', '--bureau', bureau.url, '--code', code, '--data', data);
    expect(enrolled.code).toBe(0);
    const answer = JSON.parse(enrolled.out) as { deviceId: string; bureau: string; highWater: number };
    expect(answer).toMatchObject({ bureau: `${bureau.url}/`, highWater: 0 });
    expect((await cli('enrol', '--bureau', bureau.url, '--code', code, '--data', data)).code).toBe(0);

    appendRecords(data, 25);
    writeFileSync(`${data}/anchors.pem`, bureau.anchorsPem());
    // --bureau defaults to the one the kiosk enrolled with.
    const synced = await cli('sync', '--data', data, '--once');
    expect(synced.err).toBe('');
    expect(synced.code).toBe(0);
    const line = JSON.parse(synced.out) as Record<string, unknown>;
    // The 25 records, and the two list updates recorded during the cycle, before the upload.
    expect(line).toMatchObject({ ok: true, uploaded: 27, acknowledgedSeq: 27, backlog: 0, connectivity: 'online', clockTrusted: true });
    const lists = line.lists as { TL1: number; SL1: number };
    expect(lists).toEqual({ TL1: expect.any(Number), SL1: expect.any(Number) });
    expect(bureau.records(answer.deviceId)).toHaveLength(27);

    const store = openStore(`${data}/kiosk.db`);
    const kinds = [...store.audit.rows(26)].map((r) => decodeRecord(r.body!).event);
    store.close();
    expect(kinds).toEqual([
      { kind: 'list_update', list: 'TL1', outcome: 'accepted', seq: lists.TL1 },
      { kind: 'list_update', list: 'SL1', outcome: 'accepted', seq: lists.SL1 },
    ]);
    expect((await cli('audit', 'verify', '--data', data)).code).toBe(0);
  });

  it('exits 1 with the error code when the bureau cannot be reached, and 2 without a database', async () => {
    const data = dir.file('kiosk-b');
    await cli('enrol', '--bureau', 'http://127.0.0.1:9', '--code', 'X', '--data', data);
    const offline = await cli('sync', '--data', data, '--bureau', 'http://127.0.0.1:9', '--once');
    expect(offline.code).toBe(1);
    expect(JSON.parse(offline.out)).toMatchObject({ ok: false, connectivity: 'offline', error: { code: 'bureau_unreachable' } });
    expect((await cli('sync', '--data', dir.file('nowhere'), '--once')).code).toBe(2);
    expect((await cli('sync', '--data', data, '--bureau', 'ftp://x', '--once')).code).toBe(2);
  });
});
