// An in-memory bureau for the sync loop's tests: the idempotence, gap and tree-head rules of
// API.md over a Map, signed time and lists from the issuer toolkit, and scripted failures.
// The reference bureau (tools/bureau) is tested against in the other integration tests.
import { leafHash, rootOf, verifyTreeHead } from '../../../main/audit/index.js';
import type { AuditBatch, AuditState, BureauApi, EnrolmentAnswer, ListAnswer } from '../../../main/sync/client.js';
import { BureauError } from '../../../main/sync/errors.js';
import type { IssuerKey } from '../../../tools/issuer/keys.js';
import { signedTime } from '../../unit/sync/fixtures.js';

type Operation = 'time' | 'list' | 'enrol' | 'upload' | 'state';

export class FakeBureau implements BureauApi {
  readonly baseUrl = 'http://fake-bureau.test/';
  readonly calls: Operation[] = [];
  /** seq → body, once each. */
  readonly stored = new Map<number, Uint8Array>();
  /** How many times each seq arrived in an accepted batch (re-sent ones included). */
  readonly received = new Map<number, number>();
  readonly uploads: { firstSeq: number; lastSeq: number; headSize: number }[] = [];
  readonly listRequests: { kind: 'TL1' | 'SL1'; etag?: string; have?: number }[] = [];
  highWater = 0;
  /** Lists served: the full publication, and deltas by the seq they apply on. */
  lists: { TL1?: { bytes: Uint8Array; etag: string }; SL1?: { bytes: Uint8Array; etag: string; deltaFrom?: Map<number, Uint8Array> } } = {};
  /** Answers to give instead of the normal one, per operation, in order; `after` processes first (a lost answer). */
  readonly script: Partial<Record<Operation, { error: BureauError; after?: boolean }[]>> = {};
  maxBatch = Number.MAX_SAFE_INTEGER;
  devicePublicKey: Uint8Array | undefined;

  constructor(
    private readonly timeKey: IssuerKey,
    private readonly nowMs: () => number = Date.now,
  ) {}

  fail(operation: Operation, error: BureauError, options: { after?: boolean; times?: number } = {}): void {
    const queue = (this.script[operation] ??= []);
    for (let i = 0; i < (options.times ?? 1); i++) queue.push({ error, ...(options.after ? { after: true } : {}) });
  }

  async time(nonce: Uint8Array): Promise<Uint8Array> {
    return this.#answer('time', () => signedTime(this.timeKey, this.nowMs(), nonce));
  }

  async list(kind: 'TL1' | 'SL1', held: { etag?: string; have?: number } = {}): Promise<ListAnswer> {
    this.listRequests.push({ kind, ...held });
    return this.#answer('list', () => {
      const current = this.lists[kind];
      if (!current) throw new BureauError('bureau_refused', 'not published', { status: 404, refusal: 'not_published' });
      if (held.etag === current.etag) return { status: 'not_modified' as const };
      const delta = kind === 'SL1' && held.have !== undefined ? this.lists.SL1?.deltaFrom?.get(held.have) : undefined;
      if (delta) return { status: 'ok' as const, bytes: delta, etag: current.etag, variant: 'delta' as const };
      return { status: 'ok' as const, bytes: current.bytes, etag: current.etag, variant: 'full' as const };
    });
  }

  async enrol(): Promise<EnrolmentAnswer> {
    throw new Error('not used by these tests');
  }

  async auditState(): Promise<AuditState> {
    return this.#answer('state', () => ({ highWater: this.highWater, treeHead: null }));
  }

  async uploadAudit(deviceId: string, batch: AuditBatch): Promise<{ highWater: number }> {
    return this.#answer('upload', () => {
      if (batch.records.length > this.maxBatch) throw new BureauError('bureau_refused', 'too large', { status: 413, refusal: 'too_large' });
      if (batch.firstSeq > this.highWater + 1) {
        throw new BureauError('bureau_refused', 'gap', { status: 409, refusal: 'gap', highWater: this.highWater });
      }
      batch.records.forEach((r, i) => {
        if (r.seq !== batch.firstSeq + i) throw new Error('records out of order');
      });
      // The head must be signed by the device over the log's first lastSeq records.
      const leaves: Uint8Array[] = [];
      for (let seq = 1; seq <= batch.lastSeq; seq++) {
        const body = seq < batch.firstSeq ? this.stored.get(seq) : batch.records[seq - batch.firstSeq]?.body;
        if (!body) throw new Error(`no record ${seq} to check the tree head with`);
        leaves.push(leafHash(body));
      }
      const rootOk = Buffer.from(rootOf(leaves)).equals(Buffer.from(batch.treeHead.root));
      const signed = this.devicePublicKey ? verifyTreeHead(batch.treeHead, deviceId, this.devicePublicKey) : true;
      if (!rootOk || !signed || batch.treeHead.size !== batch.lastSeq) {
        throw new BureauError('bureau_refused', 'tree mismatch', { status: 422, refusal: 'tree_mismatch' });
      }
      for (const r of batch.records) {
        const held = this.stored.get(r.seq);
        if (held && !Buffer.from(held).equals(Buffer.from(r.body))) throw new BureauError('bureau_refused', 'conflict', { status: 422, refusal: 'conflict' });
        this.stored.set(r.seq, r.body);
        this.received.set(r.seq, (this.received.get(r.seq) ?? 0) + 1);
      }
      this.uploads.push({ firstSeq: batch.firstSeq, lastSeq: batch.lastSeq, headSize: batch.treeHead.size });
      this.highWater = Math.max(this.highWater, batch.lastSeq);
      return { highWater: this.highWater };
    });
  }

  /** The bureau restored from an old backup: it holds only the first `seq` records. */
  forgetAfter(seq: number): void {
    for (const key of [...this.stored.keys()]) if (key > seq) this.stored.delete(key);
    this.highWater = seq;
  }

  #answer<T>(operation: Operation, run: () => T): T {
    this.calls.push(operation);
    const scripted = this.script[operation]?.shift();
    if (scripted && !scripted.after) throw scripted.error;
    const result = run();
    if (scripted) throw scripted.error;
    return result;
  }
}

export const unreachable = (): BureauError => new BureauError('bureau_unreachable', 'ECONNREFUSED');
export const unavailable = (): BureauError => new BureauError('bureau_error', '503', { status: 503 });
