// What several benchmarks start from: a fixed clock, a bureau whose signed trust and status lists
// the verifier has accepted, and the stream of verification events the audit benchmarks append.
import type { AuditEvent } from '../main/audit/index.js';
import { loadAnchors } from '../main/trust/anchors.js';
import { acceptStatusList, acceptTrustList } from '../main/trust/lists.js';
import type { StatusList } from '../main/trust/status-list.js';
import type { TrustList } from '../main/trust/trust-list.js';
import { generateIssuerKey, signStatusList, signTrustList, type IssuerAlg, type IssuerKey, type StatusListInput, type TrustListEntryInput } from '../tools/issuer/index.js';

export const NOW = 1_750_000_000; // 2025-06-15T15:06:40Z
export const DAY = 86_400;

export interface VerifierListsOptions<A extends IssuerAlg> {
  /** One issuer key per algorithm, listed as `CN-<alg>`. */
  readonly algs: readonly A[];
  /** Added to each issuer's entry (document types, validity). */
  readonly entry?: Pick<TrustListEntryInput, 'dt' | 'nbf' | 'exp'>;
  /** Further listed keys that sign nothing, for a trust list of realistic size. Default 0. */
  readonly fillerKeys?: number;
  readonly status: Pick<StatusListInput, 'salt' | 'documents' | 'entries'>;
}

export interface VerifierLists<A extends IssuerAlg> {
  readonly bureau: IssuerKey;
  readonly issuers: Record<A, IssuerKey>;
  /** The lists as the bureau serves them (seq 1, issued at NOW, next update a week later). */
  readonly tlBytes: Uint8Array;
  readonly slBytes: Uint8Array;
  /** The same lists as the verifier holds them once accepted. */
  readonly trust: TrustList;
  readonly status: StatusList;
}

/** A fresh bureau and issuers, and the trust and status lists it signs for them. */
export function verifierLists<A extends IssuerAlg>(options: VerifierListsOptions<A>): VerifierLists<A> {
  const bureau = generateIssuerKey('ES256');
  const anchors = loadAnchors(bureau.publicKeyPem());
  const issuers = Object.fromEntries(options.algs.map((alg) => [alg, generateIssuerKey(alg)])) as Record<A, IssuerKey>;
  const fillers = Array.from({ length: options.fillerKeys ?? 0 }, () => generateIssuerKey('ES256'));
  const tlBytes = signTrustList(bureau, {
    seq: 1,
    iat: NOW,
    nu: NOW + 7 * DAY,
    keys: [
      ...options.algs.map((alg) => ({ iss: `CN-${alg}`, spki: issuers[alg].spki, ...options.entry })),
      ...fillers.map((key, i) => ({ iss: `CN-FILL-${i}`, spki: key.spki })),
    ],
  });
  const slBytes = signStatusList(bureau, { seq: 1, iat: NOW, nu: NOW + 7 * DAY, ...options.status });
  return {
    bureau,
    issuers,
    tlBytes,
    slBytes,
    trust: acceptTrustList(tlBytes, anchors, {}).list,
    status: acceptStatusList(slBytes, anchors, {}).list,
  };
}

/**
 * The `i`-th verification of a busy day: a different document each time (up to 100,000), so each
 * record gets its own pseudonym. With `revokedEvery`, every such one is refused as revoked.
 */
export function verificationEvent(i: number, revokedEvery = 0): AuditEvent {
  const revoked = revokedEvery > 0 && i % revokedEvery === 0;
  return {
    kind: 'verification',
    result: revoked ? 'invalid' : 'valid',
    reasons: revoked ? ['revoked'] : [],
    format: 'eid',
    kid: '0011223344556677',
    trustListSeq: 41,
    statusListSeq: 977,
    source: 'qr',
    document: { type: 'CN-RIC', number: `1101051949123${String(i % 100_000).padStart(5, '0')}` },
  };
}
