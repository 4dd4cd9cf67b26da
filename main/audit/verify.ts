// `verikiosk audit verify`: the local log checked end to end — seqs dense, every record
// matching its hash, the chain unbroken, every stored tree head matching the recomputed tree
// and signed by this device, nothing missing at the end — reporting the first bad seq.
import type { Store } from '../store/index.js';
import { ChainVerifier, type ChainProblem } from './chain.js';
import { storedDevicePublicKey } from './device-key.js';
import { EMPTY_ROOT, MerkleFrontier, sameHash } from './merkle.js';
import { verifyTreeHead } from './tree-head.js';

export type AuditProblem =
  | ChainProblem
  /** Records end before a tree head or the bureau's acknowledgement says they should. */
  | 'truncated'
  /** Records do not hash to the root a tree head was signed for: rewritten after signing. */
  | 'tree_head_mismatch'
  /** A tree head this device's key did not sign. */
  | 'bad_tree_head_signature'
  /** A record marked as carrying sealed data lost it before the bureau acknowledged it. */
  | 'sealed_missing';

export interface AuditVerifyReport {
  readonly ok: boolean;
  /** Records checked, and how many of them are hashes only (bodies purged after retention). */
  readonly records: number;
  readonly purged: number;
  readonly treeHeads: number;
  readonly acknowledgedSeq: number;
  /** The first seq that cannot be trusted, when something is wrong. */
  readonly firstBadSeq?: number;
  readonly problem?: AuditProblem;
  /** One plain sentence for the operator. */
  readonly message: string;
}

export function auditVerify(store: Store): AuditVerifyReport {
  const deviceId = store.meta.get('device_id');
  const publicKey = storedDevicePublicKey(store);
  const heads = store.audit.treeHeads();
  const acknowledgedSeq = store.audit.acknowledgedSeq();
  const last = store.audit.last()?.seq ?? 0;
  const sealedSeqs = new Set(store.audit.sealedRange(1, last).map((s) => s.seq));
  const verifier = new ChainVerifier(undefined, deviceId);
  const frontier = new MerkleFrontier();
  let verifiedHeadSize = 0;
  let headIndex = 0;

  const report = (fields: Partial<AuditVerifyReport> & { message: string }): AuditVerifyReport => {
    const result = verifier.result();
    return {
      ok: fields.problem === undefined,
      records: result.ok ? result.records : result.seq - 1,
      purged: result.ok ? result.purged : 0,
      treeHeads: heads.length,
      acknowledgedSeq,
      ...fields,
    };
  };

  /** Checks every head at the current size; a failure names the first record after the last good head. */
  const checkHeads = (): AuditVerifyReport | undefined => {
    for (let head = heads[headIndex]; head !== undefined && head.size === frontier.size; head = heads[++headIndex]) {
      const from = verifiedHeadSize + 1;
      if (!sameHash(frontier.size === 0 ? EMPTY_ROOT : frontier.root(), head.root)) {
        return report({
          firstBadSeq: from,
          problem: 'tree_head_mismatch',
          message: `records ${from} to ${head.size} do not match the tree head signed for ${head.size} records: they were rewritten after signing`,
        });
      }
      if (deviceId === undefined || publicKey === undefined || !verifyTreeHead(head, deviceId, publicKey)) {
        return report({
          firstBadSeq: from,
          problem: 'bad_tree_head_signature',
          message: `the tree head for ${head.size} records is not signed by this device's key`,
        });
      }
      verifiedHeadSize = head.size;
    }
    return undefined;
  };

  const early = checkHeads();
  if (early) return early;
  for (const row of store.audit.rows()) {
    const failure = verifier.push(row);
    if (failure) return report({ firstBadSeq: failure.seq, problem: failure.problem, message: failure.message });
    const record = verifier.lastRecord;
    if (record?.sealed && row.seq > acknowledgedSeq && !sealedSeqs.has(row.seq)) {
      return report({
        firstBadSeq: row.seq,
        problem: 'sealed_missing',
        message: `record ${row.seq} carried sealed guest data that is gone although the bureau never acknowledged it`,
      });
    }
    frontier.append(row.leafHash);
    const bad = checkHeads();
    if (bad) return bad;
  }

  const count = frontier.size;
  const claimed = Math.max(acknowledgedSeq, heads[heads.length - 1]?.size ?? 0);
  if (claimed > count) {
    const by = acknowledgedSeq >= claimed ? 'the bureau acknowledged' : 'a tree head was signed for';
    return report({
      firstBadSeq: count + 1,
      problem: 'truncated',
      message: `record ${count + 1} is missing: the log ends at ${count} but ${by} ${claimed} records`,
    });
  }
  const result = verifier.result();
  const purged = result.ok ? result.purged : 0;
  return report({
    message:
      count === 0
        ? 'the audit log is empty'
        : `all ${count} records verify (${purged} purged to hashes), chain intact, ${heads.length} tree head(s) match and are signed by this device`,
  });
}
