// The bureau's side of audit upload: every check of API.md in its order, then each new record
// stored once, with its opened guest registration, in one transaction per batch.
//
// Cost per batch is O(batch): the device row keeps the chain hash and the Merkle compact range
// at its high-water mark, so neither the chain nor the root is ever recomputed from record 1.
import {
  AuditError,
  GENESIS_CHAIN_HASH,
  MerkleFrontier,
  chainHash,
  decodeRecord,
  leafHash,
  openSealed,
  verifyConsistency,
  verifyTreeHead,
  type AuditRecord,
  type GuestRegistration,
  type SignedTreeHead,
} from '../../main/audit/index.js';
import type { BureauDatabase, DeviceRow, RecordRow, RegistrationRow } from './db.js';
import { AuditBatchSchema, BureauError, MAX_BATCH_RECORDS, b64, issuesOf, toB64, type AuditBatch } from './wire.js';

export interface IntakeContext {
  readonly db: BureauDatabase;
  readonly sealPrivateKey: Uint8Array;
  nowMs(): number;
}

/** What the bureau says about a device's log (GET /v1/devices/{id}/audit). */
export interface AuditStanding {
  readonly highWater: number;
  readonly treeHead: { size: number; timestampMs: number; root: string; signature: string } | null;
}

/** What one accepted batch did, for the log line (never record contents). */
export interface BatchOutcome {
  readonly highWater: number;
  /** Records newly stored by this batch (0 for a batch seen before). */
  readonly stored: number;
  readonly registrations: number;
}

interface CheckedRecord {
  readonly seq: number;
  readonly body: Uint8Array;
  /** Undefined for a record identical to the one already stored at its place. */
  readonly record: AuditRecord | undefined;
  readonly leaf: Uint8Array;
  readonly sealed: AuditBatch['records'][number]['sealed'];
}

const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);

export class AuditIntake {
  /** One batch at a time per device: checks read the high-water mark the write then moves. */
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(private readonly context: () => IntakeContext) {}

  standing(deviceId: string): AuditStanding {
    const device = this.#device(deviceId);
    const head = device.treeHead;
    return {
      highWater: device.highWater,
      treeHead: head
        ? { size: head.size, timestampMs: head.timestampMs, root: toB64(head.root), signature: toB64(head.signature) }
        : null,
    };
  }

  /** Checks and stores one batch (the parsed JSON body); throws BureauError for every refusal. */
  receive(deviceId: string, json: unknown): Promise<BatchOutcome> {
    const previous = this.#queues.get(deviceId) ?? Promise.resolve();
    const run = previous.then(() => this.#receive(deviceId, json));
    const settled = run.catch(() => undefined);
    this.#queues.set(deviceId, settled);
    void settled.then(() => {
      if (this.#queues.get(deviceId) === settled) this.#queues.delete(deviceId);
    });
    return run;
  }

  /** Resolves once every batch received so far has been answered. */
  async idle(): Promise<void> {
    while (this.#queues.size > 0) await Promise.all(this.#queues.values());
  }

  #device(deviceId: string): DeviceRow {
    const device = this.context().db.device(deviceId);
    if (!device) throw new BureauError('unknown_device', `device ${deviceId} is not enrolled`);
    return device;
  }

  async #receive(deviceId: string, json: unknown): Promise<BatchOutcome> {
    const { db, sealPrivateKey, nowMs } = this.context();
    // 1. The device is enrolled.
    const device = this.#device(deviceId);
    // 2. The body's shape.
    const parsed = AuditBatchSchema.safeParse(json);
    if (!parsed.success) throw new BureauError('malformed_batch', issuesOf(parsed.error));
    const batch = parsed.data;
    if (batch.records.length > MAX_BATCH_RECORDS) {
      throw new BureauError('too_large', `a batch carries at most ${MAX_BATCH_RECORDS} records, this one ${batch.records.length}`);
    }
    if (batch.lastSeq < batch.firstSeq) throw new BureauError('malformed_batch', 'lastSeq is below firstSeq');
    const highWater = device.highWater;
    // 3. It starts where the stored log ends, or before.
    if (batch.firstSeq > highWater + 1) {
      throw new BureauError('gap', `records ${highWater + 1}..${batch.firstSeq - 1} are missing: resend from ${highWater + 1}`, {
        highWater,
      });
    }
    // 4. Each record decodes canonically and names this device. A record whose bytes are those
    // of the record stored at its place was checked when it first came: a retried batch costs
    // a hash per record, not a decode.
    const storedLeaves =
      batch.firstSeq <= highWater ? db.leafHashes(deviceId, batch.firstSeq, Math.min(batch.lastSeq, highWater)) : [];
    const records: CheckedRecord[] = batch.records.map((wire, i) => {
      const body = b64(wire.body);
      const leaf = leafHash(body);
      const stored = wire.seq === batch.firstSeq + i ? storedLeaves[i] : undefined;
      if (stored && same(stored, leaf)) return { seq: wire.seq, body, record: undefined, leaf, sealed: wire.sealed };
      let record: AuditRecord;
      try {
        record = decodeRecord(body);
      } catch (err) {
        const detail = err instanceof AuditError ? err.message : 'unreadable';
        throw new BureauError('malformed_record', `record ${wire.seq}: ${detail}`);
      }
      if (record.device !== deviceId) throw new BureauError('malformed_record', `record ${wire.seq} names another device`);
      return { seq: wire.seq, body, record, leaf, sealed: wire.sealed };
    });
    // 5. The tree head is signed by the enrolled key.
    const head: SignedTreeHead = {
      size: batch.treeHead.size,
      timestampMs: batch.treeHead.timestampMs,
      root: b64(batch.treeHead.root),
      signature: b64(batch.treeHead.signature),
    };
    if (!verifyTreeHead(head, deviceId, device.publicKey)) {
      throw new BureauError('bad_signature', 'the tree head is not signed by the key this device enrolled');
    }
    // 6. Seqs are dense from firstSeq, each record is the record of its place, records already
    // stored are the same records, and the chain continues from the last stored one.
    if (records.length !== batch.lastSeq - batch.firstSeq + 1) {
      throw new BureauError('chain_broken', `${records.length} records sent for seqs ${batch.firstSeq}..${batch.lastSeq}`);
    }
    let chain = device.chainHash;
    const fresh: RecordRow[] = [];
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      const place = batch.firstSeq + i;
      // An undecoded record is the stored record of this very place (step 4).
      if (!r.record) continue;
      if (r.seq !== place || r.record.seq !== place) {
        throw new BureauError('chain_broken', `the record at place ${place} is record ${r.record.seq}: records were removed or moved`);
      }
      if (place <= highWater) throw new BureauError('conflict', `record ${place} differs from the record ${place} already stored`);
      chain = chainHash(chain, r.leaf);
      fresh.push({ seq: place, kind: r.record.event.kind, wallMs: r.record.wallMs, leafHash: r.leaf, chainHash: chain, body: r.body });
    }
    // 7. The Merkle root over every stored leaf plus the new ones is the signed root.
    const frontier = MerkleFrontier.fromBytes(highWater, device.frontier);
    const pending = device.treeHead && device.treeHead.size > highWater ? device.treeHead : undefined;
    for (const row of fresh) {
      frontier.append(row.leafHash);
      if (pending && frontier.size === pending.size && !same(frontier.root(), pending.root)) {
        throw new BureauError('tree_mismatch', `the log no longer matches the tree head this device signed for ${pending.size} records`);
      }
    }
    const rootAtLast = batch.lastSeq > highWater ? frontier.root() : this.#rootAt(db, device, batch.lastSeq);
    checkHead(head, batch, rootAtLast);
    // 8. Sealed payloads come exactly with the records that say so, and open with our key.
    const registrations: RegistrationRow[] = [];
    for (const r of records) {
      if (r.seq <= highWater || !r.record) continue;
      const expects = r.record.sealed === true;
      if (expects !== (r.sealed !== undefined)) {
        throw new BureauError('unsealable', expects ? `record ${r.seq} is sealed but no payload came with it` : `record ${r.seq} is not sealed but a payload came with it`);
      }
      if (!r.sealed) continue;
      let registration: GuestRegistration;
      try {
        registration = await openSealed(
          sealPrivateKey,
          { deviceId, seq: r.seq, leafHash: r.leaf },
          { suite: r.sealed.suite, enc: b64(r.sealed.enc), ciphertext: b64(r.sealed.ciphertext) },
        );
      } catch (err) {
        throw new BureauError('unsealable', err instanceof AuditError ? err.message : `record ${r.seq}: the sealed payload does not open`);
      }
      registrations.push({ seq: r.seq, ...registration });
    }
    const newHead = !device.treeHead || head.size > device.treeHead.size;
    // A batch seen before changes nothing: answered without a write (and without an fsync).
    if (fresh.length === 0 && !newHead) return { highWater, stored: 0, registrations: 0 };
    // The context again: a restart may have swapped the database while payloads were opened.
    const stored = this.context().db.storeBatch(deviceId, {
      fromHighWater: highWater,
      records: fresh,
      registrations,
      chainHash: fresh.length > 0 ? chain : device.chainHash,
      frontier: frontier.toBytes(),
      ...(newHead ? { treeHead: head } : {}),
      receivedMs: nowMs(),
    });
    return { highWater: stored, stored: fresh.length, registrations: registrations.length };
  }

  /** The root over the first `size` stored records: the nearest kept compact range plus the leaves after it. */
  #rootAt(db: BureauDatabase, device: DeviceRow, size: number): Uint8Array {
    const checkpoint = db.checkpointAtOrBelow(device.deviceId, size);
    const frontier = checkpoint ? MerkleFrontier.fromBytes(checkpoint.size, checkpoint.frontier) : new MerkleFrontier();
    if (frontier.size < size) for (const leaf of db.leafHashes(device.deviceId, frontier.size + 1, size)) frontier.append(leaf);
    return frontier.root();
  }
}

/** The signed head covers exactly the batch, or more with a consistency proof from lastSeq. */
function checkHead(head: SignedTreeHead, batch: AuditBatch, rootAtLast: Uint8Array): void {
  if (head.size === batch.lastSeq) {
    if (batch.consistency && batch.consistency.length > 0) {
      throw new BureauError('malformed_batch', 'a consistency proof is sent only when the tree head covers more than the batch');
    }
    if (!same(head.root, rootAtLast)) {
      throw new BureauError('tree_mismatch', `the Merkle root over records 1..${batch.lastSeq} is not the signed root`);
    }
    return;
  }
  if (head.size < batch.lastSeq || !batch.consistency) {
    throw new BureauError('tree_mismatch', `the tree head covers ${head.size} records, the batch ends at ${batch.lastSeq}`);
  }
  if (!verifyConsistency(batch.lastSeq, head.size, rootAtLast, head.root, batch.consistency.map(b64))) {
    throw new BureauError('tree_mismatch', `the records 1..${batch.lastSeq} are not a prefix of the tree the device signed for ${head.size}`);
  }
}

/** A new device's log at the bureau: nothing stored yet. */
export function emptyLog(): { chainHash: Uint8Array; frontier: Uint8Array } {
  return { chainHash: GENESIS_CHAIN_HASH, frontier: new MerkleFrontier().toBytes() };
}
