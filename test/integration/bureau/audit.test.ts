// Audit upload through real HTTP: batches made by the kiosk's own AuditLog are stored once each,
// retries change nothing, and every kind of tampering is refused with nothing stored.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeRecord, encodeRecord } from '../../../main/audit/index.js';
import {
  b64,
  call,
  enrolKiosk,
  makeKiosk,
  startTestBureau,
  upload,
  wireHead,
  type AuditBatchBody,
  type TestBureau,
  type TestKiosk,
} from './fixtures.js';

let t: TestBureau;
let kiosk: TestKiosk;
beforeEach(async () => {
  t = await startTestBureau();
  kiosk = makeKiosk(t.bureau.sealPublicKey);
  expect((await enrolKiosk(t.bureau, kiosk)).status).toBe(201);
});
afterEach(async () => {
  kiosk.store.close();
  await t.stop();
});

const stored = () => t.bureau.records(kiosk.deviceId);

/** A copy of a batch body, to edit. */
const copy = (batch: AuditBatchBody): AuditBatchBody => JSON.parse(JSON.stringify(batch)) as AuditBatchBody;

describe('audit upload', () => {
  it('stores a batch and answers the high-water mark', async () => {
    await kiosk.appendVerifications(20);
    const reply = await upload(t.bureau, kiosk.deviceId, kiosk.batch(1, 20));
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ highWater: 20 });
    const rows = stored();
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    // Byte for byte what the kiosk holds, with the kiosk's own leaf and chain hashes.
    const local = [...kiosk.store.audit.rows(1, 20)];
    rows.forEach((row, i) => {
      expect(Buffer.from(row.body).equals(Buffer.from(local[i]!.body!))).toBe(true);
      expect(Buffer.from(row.leafHash).equals(Buffer.from(local[i]!.leafHash))).toBe(true);
      expect(Buffer.from(row.chainHash).equals(Buffer.from(local[i]!.chainHash))).toBe(true);
    });
    const standing = await call(`${t.bureau.url}/v1/devices/${kiosk.deviceId}/audit`);
    expect(standing.status).toBe(200);
    expect(standing.json).toEqual({ highWater: 20, treeHead: wireHead(kiosk.headAt(20)) });
  });

  it('continues batch after batch, and the chain runs across them', async () => {
    await kiosk.appendVerifications(30);
    for (const [from, to] of [[1, 10], [11, 25], [26, 30]] as const) {
      expect((await upload(t.bureau, kiosk.deviceId, kiosk.batch(from, to))).json).toEqual({ highWater: to });
    }
    const last = stored().at(-1)!;
    expect(Buffer.from(last.chainHash).equals(Buffer.from(kiosk.store.audit.last()!.chainHash))).toBe(true);
    expect(t.bureau.audit(kiosk.deviceId).highWater).toBe(30);
  });

  it('stores each record once when the same batch comes five times', async () => {
    await kiosk.appendVerifications(12);
    const batch = kiosk.batch(1, 12);
    for (let i = 0; i < 5; i++) {
      const reply = await upload(t.bureau, kiosk.deviceId, batch);
      expect(reply.status).toBe(200);
      expect(reply.json).toEqual({ highWater: 12 });
    }
    expect(stored()).toHaveLength(12);
    expect(t.bureau.devices()).toEqual([{ deviceId: kiosk.deviceId, highWater: 12, records: 12 }]);
  });

  it('takes the same batches concurrently and still stores each record once', async () => {
    await kiosk.appendVerifications(40);
    const batches = [kiosk.batch(1, 20), kiosk.batch(1, 20), kiosk.batch(21, 40), kiosk.batch(1, 40), kiosk.batch(21, 40)];
    const replies = await Promise.all(batches.map((b) => upload(t.bureau, kiosk.deviceId, b)));
    // Arrival order decides who sees a gap; every answer is 200 or a 409 naming the mark.
    for (const reply of replies) expect([200, 409]).toContain(reply.status);
    expect((await upload(t.bureau, kiosk.deviceId, kiosk.batch(1, 40))).json).toEqual({ highWater: 40 });
    expect(stored()).toHaveLength(40);
  });

  it('accepts a batch overlapping what is stored and a late retry of an old batch', async () => {
    await kiosk.appendVerifications(30);
    await upload(t.bureau, kiosk.deviceId, kiosk.batch(1, 10));
    expect((await upload(t.bureau, kiosk.deviceId, kiosk.batch(5, 20))).json).toEqual({ highWater: 20 });
    await upload(t.bureau, kiosk.deviceId, kiosk.batch(21, 30));
    // A retry of 1..15 (never sent as such): its root is recomputed from the stored leaves.
    expect((await upload(t.bureau, kiosk.deviceId, kiosk.batch(1, 15))).json).toEqual({ highWater: 30 });
    expect(stored()).toHaveLength(30);
  });

  it('answers 409 gap with the mark when a batch starts past it', async () => {
    await kiosk.appendVerifications(20);
    await upload(t.bureau, kiosk.deviceId, kiosk.batch(1, 5));
    const reply = await upload(t.bureau, kiosk.deviceId, kiosk.batch(8, 20));
    expect(reply.status).toBe(409);
    expect(reply.json).toMatchObject({ error: 'gap', highWater: 5 });
    expect(stored()).toHaveLength(5);
    expect((await upload(t.bureau, kiosk.deviceId, kiosk.batch(6, 20))).json).toEqual({ highWater: 20 });
  });

  it('answers 422 conflict when a stored record comes back different', async () => {
    await kiosk.appendVerifications(10);
    await upload(t.bureau, kiosk.deviceId, kiosk.batch(1, 10));
    // Another kiosk database with the same identity would write other records under the same seqs.
    const batch = copy(kiosk.batch(1, 10));
    const record = decodeRecord(Buffer.from(batch.records[3]!.body, 'base64'));
    batch.records[3]!.body = b64(encodeRecord({ ...record, wallMs: record.wallMs + 1 }));
    const reply = await upload(t.bureau, kiosk.deviceId, batch);
    expect(reply.status).toBe(422);
    expect(reply.json.error).toBe('conflict');
    expect(stored()).toHaveLength(10);
  });

  it('answers 404 for a device never enrolled, and 400 for a body of the wrong shape', async () => {
    await kiosk.appendVerifications(3);
    const stranger = await upload(t.bureau, '2b1e7c1a-0000-4000-8000-000000000000', kiosk.batch(1, 3));
    expect(stranger.status).toBe(404);
    expect(stranger.json.error).toBe('unknown_device');
    expect((await call(`${t.bureau.url}/v1/devices/2b1e7c1a-0000-4000-8000-000000000000/audit`)).status).toBe(404);
    for (const bad of ['not json', { firstSeq: 1 }, { ...kiosk.batch(1, 3), records: [] }, { ...kiosk.batch(1, 3), treeHead: { ...kiosk.batch(1, 3).treeHead, root: 'AAAA' } }]) {
      const reply = await upload(t.bureau, kiosk.deviceId, bad);
      expect(reply.status).toBe(400);
      expect(reply.json.error).toBe('malformed_batch');
    }
    expect(stored()).toHaveLength(0);
    const huge = { ...kiosk.batch(1, 3), lastSeq: 5001, records: Array.from({ length: 5001 }, (_, i) => ({ seq: i + 1, body: 'AAAA' })) };
    const tooLarge = await upload(t.bureau, kiosk.deviceId, huge);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.json.error).toBe('too_large');
  });

  describe('refuses a tampered batch with 422 and stores nothing', () => {
    beforeEach(async () => {
      await kiosk.appendVerifications(10);
      await upload(t.bureau, kiosk.deviceId, kiosk.batch(1, 4));
    });
    const refused = async (batch: unknown, error: string): Promise<void> => {
      const reply = await upload(t.bureau, kiosk.deviceId, batch);
      expect(reply.status).toBe(422);
      expect(reply.json.error).toBe(error);
      expect(stored()).toHaveLength(4);
      expect(t.bureau.audit(kiosk.deviceId).highWater).toBe(4);
    };

    it('an edited record (its bytes changed, the head kept)', async () => {
      const batch = copy(kiosk.batch(5, 10));
      const record = decodeRecord(Buffer.from(batch.records[2]!.body, 'base64'));
      batch.records[2]!.body = b64(encodeRecord({ ...record, event: { kind: 'verification', result: 'valid', reasons: [] } }));
      await refused(batch, 'tree_mismatch');
    });

    it('a record removed from the middle (seqs renumbered or not)', async () => {
      const batch = copy(kiosk.batch(5, 10));
      batch.records.splice(2, 1);
      await refused(batch, 'chain_broken');
      const renumbered = copy(batch);
      renumbered.lastSeq = 9;
      renumbered.records.forEach((r, i) => (r.seq = 5 + i));
      await refused(renumbered, 'chain_broken');
    });

    it('a truncated batch sent with the head of the full one', async () => {
      const batch = copy(kiosk.batch(5, 10));
      batch.records.pop();
      batch.lastSeq = 9;
      await refused(batch, 'tree_mismatch');
    });

    it('a truncated log: records dropped at the end, the head re-signed by someone without the key', async () => {
      const batch = copy(kiosk.batch(5, 9));
      batch.treeHead.signature = b64(new Uint8Array(64).fill(7));
      await refused(batch, 'bad_signature');
    });

    it('records reordered', async () => {
      const batch = copy(kiosk.batch(5, 10));
      [batch.records[1]!.body, batch.records[2]!.body] = [batch.records[2]!.body, batch.records[1]!.body];
      await refused(batch, 'chain_broken');
    });

    it('a forged tree head: another key, or the right key over another root', async () => {
      const other = makeKiosk(t.bureau.sealPublicKey);
      await other.appendVerifications(10);
      const forged = { ...kiosk.batch(5, 10), treeHead: wireHead(other.headAt(10)) };
      await refused(forged, 'bad_signature');
      other.store.close();
      const edited = copy(kiosk.batch(5, 10));
      edited.treeHead.timestampMs += 1;
      await refused(edited, 'bad_signature');
    });

    it('a record of another device', async () => {
      const other = makeKiosk(t.bureau.sealPublicKey);
      await other.appendVerifications(10);
      const batch = copy(kiosk.batch(5, 10));
      batch.records[0]!.body = other.batch(5, 5).records[0]!.body;
      await refused(batch, 'malformed_record');
      other.store.close();
    });

    it('bytes that are not a canonical record', async () => {
      const batch = copy(kiosk.batch(5, 10));
      batch.records[1]!.body = b64(new Uint8Array([0xa1, 0x61, 0x76, 0x01]));
      await refused(batch, 'malformed_record');
    });
  });

  it('accepts a head over more records than the batch with a consistency proof, and refuses a wrong proof', async () => {
    await kiosk.appendVerifications(25);
    const head = kiosk.log.signTreeHead();
    const withProof = (first: number, last: number, proof: Uint8Array[]) => ({
      ...kiosk.batch(first, last),
      treeHead: wireHead(head),
      consistency: proof.map(b64),
    });
    const wrong = kiosk.log.consistencyProof(9, 25);
    expect((await upload(t.bureau, kiosk.deviceId, withProof(1, 10, wrong))).json.error).toBe('tree_mismatch');
    expect((await upload(t.bureau, kiosk.deviceId, { ...kiosk.batch(1, 10), treeHead: wireHead(head) })).json.error).toBe('tree_mismatch');
    expect(stored()).toHaveLength(0);
    expect((await upload(t.bureau, kiosk.deviceId, withProof(1, 10, kiosk.log.consistencyProof(10, 25)))).json).toEqual({ highWater: 10 });
    expect((await upload(t.bureau, kiosk.deviceId, withProof(11, 17, kiosk.log.consistencyProof(17, 25)))).json).toEqual({ highWater: 17 });
    // The bureau keeps the widest head it was shown; records reaching it must match its root.
    expect(t.bureau.audit(kiosk.deviceId).treeHead?.size).toBe(25);
    expect((await upload(t.bureau, kiosk.deviceId, { ...kiosk.batch(18, 25), treeHead: wireHead(head) })).json).toEqual({ highWater: 25 });
    expect(stored()).toHaveLength(25);
  });

  it('keeps everything across a restart', async () => {
    await kiosk.appendVerifications(15);
    await upload(t.bureau, kiosk.deviceId, kiosk.batch(1, 8));
    await t.bureau.restart();
    // The restart closed the client's kept-alive connection: like a kiosk, retry once on that.
    const retry = await upload(t.bureau, kiosk.deviceId, kiosk.batch(1, 8)).catch(() => upload(t.bureau, kiosk.deviceId, kiosk.batch(1, 8)));
    expect(retry.json).toEqual({ highWater: 8 });
    expect((await upload(t.bureau, kiosk.deviceId, kiosk.batch(9, 15))).json).toEqual({ highWater: 15 });
    expect(stored()).toHaveLength(15);
  });

  it('keeps everything when a new bureau process opens the same directory', async () => {
    await kiosk.appendVerifications(9);
    await upload(t.bureau, kiosk.deviceId, kiosk.batch(1, 9));
    const sealKey = Buffer.from(t.bureau.sealPublicKey);
    await t.bureau.close();
    const again = await startTestBureau({ dataDir: t.dir });
    t = again;
    expect(sealKey.equals(again.bureau.sealPublicKey)).toBe(true);
    expect((await call(`${again.bureau.url}/v1/devices/${kiosk.deviceId}/audit`)).json).toMatchObject({ highWater: 9 });
    await kiosk.appendVerifications(1);
    expect((await upload(again.bureau, kiosk.deviceId, kiosk.batch(10, 10))).json).toEqual({ highWater: 10 });
  });
});
