// Signed tree heads at the end of each upload batch (API.md: treeHead.size = lastSeq), which is
// usually before the end of the log. The Merkle frontier is carried from batch to batch, so a
// 100k backlog costs O(log n) hashes per batch rather than a pass over the log per batch.
import { MerkleFrontier, sameHash } from '../audit/merkle.js';
import { treeHeadBytes, type DeviceKey, type SignedTreeHead } from '../audit/index.js';
import type { Store } from '../store/index.js';

export class BatchTreeHeads {
  readonly #store: Store;
  readonly #deviceId: string;
  readonly #key: DeviceKey;
  readonly #wallMs: () => number;
  /** The frontier after the last batch signed, and before it (a retry of the same batch starts there). */
  #after: MerkleFrontier | undefined;
  #before: MerkleFrontier | undefined;
  #lastHead: SignedTreeHead | undefined;

  constructor(store: Store, deviceId: string, key: DeviceKey, wallMs: () => number) {
    this.#store = store;
    this.#deviceId = deviceId;
    this.#key = key;
    this.#wallMs = wallMs;
  }

  /**
   * The head over records 1..lastSeq, for a batch of `leaves` (the leaf hashes of firstSeq..lastSeq,
   * in order). It is kept in the store beside the heads the audit log signs, so `audit verify`
   * checks it too; the same batch again gets the same head.
   */
  sign(firstSeq: number, leaves: readonly Uint8Array[]): SignedTreeHead {
    if (!Number.isSafeInteger(firstSeq) || firstSeq < 1 || leaves.length === 0) {
      throw new RangeError(`a batch starts at a seq >= 1 and holds records (got ${firstSeq}, ${leaves.length} records)`);
    }
    const lastSeq = firstSeq + leaves.length - 1;
    if (this.#lastHead?.size === lastSeq && this.#before?.size === firstSeq - 1) return this.#lastHead;
    const before = this.#frontierAt(firstSeq - 1);
    const after = before.clone();
    for (const leaf of leaves) after.append(leaf);
    const unsigned = { size: lastSeq, root: after.root(), timestampMs: Math.max(0, Math.round(this.#wallMs())) };
    const head: SignedTreeHead = { ...unsigned, signature: this.#key.sign(treeHeadBytes(this.#deviceId, unsigned)) };
    this.#store.audit.putTreeHead({ ...head, frontier: after.toBytes() });
    this.#before = before;
    this.#after = after;
    this.#lastHead = head;
    return head;
  }

  /** A frontier of the first `size` leaves: from what is at hand, else the latest stored head at or below it. */
  #frontierAt(size: number): MerkleFrontier {
    const known = [this.#after, this.#before].filter((f): f is MerkleFrontier => f !== undefined && f.size <= size);
    let start = known.sort((a, b) => b.size - a.size)[0];
    if (!start || start.size < size) {
      const stored = this.#storedFrontier(size);
      if (stored && (!start || stored.size > start.size)) start = stored;
    }
    const frontier = start ? start.clone() : new MerkleFrontier();
    if (frontier.size < size) for (const leaf of this.#store.audit.leafHashes(frontier.size + 1, size)) frontier.append(leaf);
    if (frontier.size !== size) throw new RangeError(`the log holds ${frontier.size} records, not the ${size} a batch starts after`);
    return frontier;
  }

  #storedFrontier(size: number): MerkleFrontier | undefined {
    let best: MerkleFrontier | undefined;
    for (const head of this.#store.audit.treeHeads()) {
      if (head.size > size || (best && head.size <= best.size)) continue;
      try {
        const frontier = MerkleFrontier.fromBytes(head.size, head.frontier);
        // A stored range that does not give its own root is not used (the chain check is audit verify's).
        if (sameHash(frontier.root(), head.root)) best = frontier;
      } catch {
        // Malformed range: rebuilt from the leaves instead.
      }
    }
    return best;
  }
}
