// The acceptance rules of lists.md over what the store keeps between runs: a list is read only
// after an anchor verified it, never rolls back, and a status delta applies only on its exact base.
import { verifySignedList, type TrustAnchor } from './anchors.js';
import { TrustError } from './errors.js';
import { sameBytes } from './hex.js';
import { StatusList, parseStatusList, type StatusListDocument } from './status-list.js';
import type { TrustList} from './trust-list.js';
import { parseTrustList } from './trust-list.js';

/**
 * What the store keeps for the trust list. Persist it whole, in one transaction, each time an
 * acceptance returns a new one (rule 4: a power cut leaves the previous record in force).
 */
export interface TrustListRecord {
  /** The highest seq ever accepted; survives even if the list bytes are lost, so rollback stays refused. */
  readonly highestSeq?: number;
  /** The signed bytes of the list in force. */
  readonly current?: Uint8Array;
}

/** What the store keeps for the status list: the last full list and the deltas applied on it, in order. */
export interface StatusListRecord {
  readonly highestSeq?: number;
  readonly full?: Uint8Array;
  readonly deltas?: readonly Uint8Array[];
}

export interface Acceptance<List, Record> {
  /** `unchanged`: the same publication again — nothing to store, the list in force stays. */
  readonly outcome: 'accepted' | 'unchanged';
  /** The list to put in force (the old object when unchanged). */
  readonly list: List;
  /** The record to persist (the old one when unchanged). */
  readonly record: Record;
}

/**
 * Accepts a signed TL1 over `record`, or throws a TrustError and leaves the old list in force.
 * `inForce` is the list built from `record` (restored from it when not given). The same seq
 * counts as the same publication when the payload is identical, even if signed again.
 */
export function acceptTrustList(
  bytes: Uint8Array,
  anchors: readonly TrustAnchor[],
  record: TrustListRecord,
  inForce?: TrustList,
): Acceptance<TrustList, TrustListRecord> {
  const signed = verifySignedList(bytes, anchors);
  const list = parseTrustList(signed.payload);
  const highest = record.highestSeq;
  if (highest !== undefined && list.seq < highest) {
    throw new TrustError('rolled_back', `trust list ${list.seq} is older than ${highest}, the highest accepted`);
  }
  if (highest !== undefined && list.seq === highest) {
    const current = inForce ?? restoreOrUndefined(() => restoreTrustList(record, anchors));
    if (current?.seq === list.seq) {
      if (sameBytes(current.payload, list.payload)) return { outcome: 'unchanged', list: current, record };
      throw new TrustError('seq_conflict', `trust list ${list.seq} differs from the list ${list.seq} in force`);
    }
    // Nothing of that seq left to compare with (its bytes were lost): signed and not older, so taken.
  }
  return { outcome: 'accepted', list, record: { highestSeq: list.seq, current: bytes } };
}

/**
 * Accepts a signed SL1, full or delta, over `record`, or throws a TrustError and leaves the old
 * list in force. A full list may bring a new salt; a delta applies only on exactly its base.
 * The same seq again is the same publication when it describes the list in force: a full list
 * with the same salt and entries, or a delta whose additions are held and removals are not.
 */
export function acceptStatusList(
  bytes: Uint8Array,
  anchors: readonly TrustAnchor[],
  record: StatusListRecord,
  inForce?: StatusList,
): Acceptance<StatusList, StatusListRecord> {
  const signed = verifySignedList(bytes, anchors);
  const document = parseStatusList(signed.payload);
  const highest = record.highestSeq;
  if (highest !== undefined && document.seq < highest) {
    throw new TrustError('rolled_back', `status list ${document.seq} is older than ${highest}, the highest accepted`);
  }
  const current = (): StatusList | undefined => inForce ?? restoreOrUndefined(() => restoreStatusList(record, anchors));
  if (highest !== undefined && document.seq === highest) {
    const list = current();
    if (list?.seq === document.seq) {
      const same = document.kind === 'full' ? list.sameContent(StatusList.fromFull(document)) : list.agreesWith(document);
      if (same) return { outcome: 'unchanged', list, record };
      throw new TrustError('seq_conflict', `status list ${document.seq} differs from the list ${document.seq} in force`);
    }
  }
  if (document.kind === 'full') {
    return {
      outcome: 'accepted',
      list: StatusList.fromFull(document),
      record: { highestSeq: document.seq, full: bytes, deltas: [] },
    };
  }
  const list = current();
  if (!list || !record.full) {
    throw new TrustError(
      'delta_base_mismatch',
      `delta ${document.seq} applies on ${document.base}, but no status list is in force: fetch the full list`,
    );
  }
  return {
    outcome: 'accepted',
    list: list.applyDelta(document),
    record: { highestSeq: document.seq, full: record.full, deltas: [...(record.deltas ?? []), bytes] },
  };
}

/** The trust list a stored record holds, verified again against today's anchors; undefined when none is stored. */
export function restoreTrustList(record: TrustListRecord, anchors: readonly TrustAnchor[]): TrustList | undefined {
  return record.current ? parseTrustList(verifySignedList(record.current, anchors).payload) : undefined;
}

/** The status list a stored record holds: its full list with every delta applied, all verified again. */
export function restoreStatusList(record: StatusListRecord, anchors: readonly TrustAnchor[]): StatusList | undefined {
  if (!record.full) return undefined;
  const full = parseStatusList(verifySignedList(record.full, anchors).payload);
  const deltas: StatusListDocument[] = (record.deltas ?? []).map((delta) =>
    parseStatusList(verifySignedList(delta, anchors).payload),
  );
  return StatusList.fromFull(full).applyDeltas(deltas);
}

/** A stored list that no longer verifies (an anchor was removed) counts as no list in force. */
function restoreOrUndefined<List>(restore: () => List | undefined): List | undefined {
  try {
    return restore();
  } catch {
    return undefined;
  }
}
