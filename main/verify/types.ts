// The verifier's inputs and output: what trust data, status data, clock and policy it is
// handed (it does no I/O itself), and the Verdict it returns.
import type { Reason, Result } from './reasons.js';

/** COSE algorithm identifiers the kiosk accepts (eid-qr.md §2). */
export const COSE_ALG = { ES256: -7, EdDSA: -8, PS256: -37, SM2_SM3: -65537 } as const;
export type CoseAlg = (typeof COSE_ALG)[keyof typeof COSE_ALG];

export type KeyFamily = 'ec-p256' | 'ed25519' | 'rsa' | 'sm2';

/** A public key ready to verify: parsed once, used for many signatures. */
export interface VerificationKey {
  readonly family: KeyFamily;
  /** The DER SubjectPublicKeyInfo the key was made from. */
  readonly spki: Uint8Array;
  /** True when `alg` is one this key can verify. */
  supports(alg: number): boolean;
  /** Checks `signature` over `data`; false for a wrong signature or an algorithm the key does not support. */
  verify(alg: number, data: Uint8Array, signature: Uint8Array): boolean;
  /** `verify` over the parts laid end to end, without joining them where the algorithm can stream (large lists). */
  verifyParts(alg: number, parts: readonly Uint8Array[], signature: Uint8Array): boolean;
}

/** An issuer key the kiosk trusts: one trust-list entry, or a key/certificate installed directly. */
export interface TrustedKey {
  /** 8 bytes; checked against the key material before the key is ever used. */
  readonly kid: Uint8Array;
  readonly kidHex: string;
  readonly key: VerificationKey;
  /** The credential `iss` this key signs for; absent for keys installed directly (then not checked). */
  readonly issuer?: string;
  /** Document types this key may sign; absent = any. */
  readonly documentTypes?: readonly string[];
  /** The key's own validity (NumericDate seconds): credentials with `iat` outside it are refused. */
  readonly notBefore?: number;
  readonly notAfter?: number;
  readonly status: 'active' | 'revoked';
  /** For EU DCC signing certificates: validity and extended key usage OIDs. */
  readonly certificate?: {
    readonly notBefore: number;
    readonly notAfter: number;
    /** Absent when the certificate has no extended key usage extension. */
    readonly extendedKeyUsage?: readonly string[];
  };
}

export interface TrustView {
  findKey(kid: Uint8Array): TrustedKey | undefined;
  /** `nu` of the trust list in force; absent when keys were installed directly (no freshness rule). */
  readonly nextUpdate?: number;
}

export interface StatusView {
  /** True when the status list holds this document (`dn` as printed; any `x` is upper-cased inside). */
  holds(documentType: string, documentNumber: string): boolean;
  readonly nextUpdate?: number;
}

/** Tokens (`cti`) already accepted on this kiosk and still within their validity. */
export interface ReplayView {
  wasAccepted(ctiHex: string): boolean;
}

export interface VerifyPolicy {
  /** Allowed clock difference for nbf/exp/iat, seconds. Default 60. */
  readonly skewSeconds: number;
  /** EID1: the longest exp − iat accepted, seconds. Default 300. */
  readonly maxLifetimeSeconds: number;
  /** How long past `nu` a list is still used, seconds. Default 72 h. */
  readonly listGraceSeconds: number;
}

export const DEFAULT_POLICY: VerifyPolicy = {
  skewSeconds: 60,
  maxLifetimeSeconds: 300,
  listGraceSeconds: 72 * 3600,
};

export interface VerifyContext {
  /** Validation time, NumericDate seconds. */
  readonly now: number;
  /** False when the wall clock cannot be relied on (→ clock_unsynced). */
  readonly clockTrusted: boolean;
  readonly trust: TrustView;
  readonly status?: StatusView;
  readonly replay?: ReplayView;
  readonly policy?: Partial<VerifyPolicy>;
}

export type DocumentFormat = 'eid' | 'dcc';

/** Identity fields for a human reader. EID1 and DCC fill different parts. */
export interface Subject {
  documentType?: string;
  documentNumber?: string;
  name?: string;
  latinName?: string;
  /** GB/T 2261.1 code: 0 unknown, 1 male, 2 female, 9 unspecified. */
  sex?: number;
  ethnicity?: string;
  nationality?: string;
  birthDate?: string;
  address?: string;
  authority?: string;
  validFrom?: string;
  /** `null` = long-term (长期). */
  validTo?: string | null;
  /** Hex SHA-256 of the portrait held by the issuer. */
  portraitHash?: string;
  /** DCC: family and given names as printed and transliterated, certificate kind. */
  familyName?: string;
  givenName?: string;
  certificateType?: 'vaccination' | 'test' | 'recovery';
}

export interface Verdict {
  readonly result: Result;
  readonly reasons: readonly Reason[];
  readonly format?: DocumentFormat;
  readonly kid?: string;
  readonly subject?: Subject;
  /** Claims the kiosk needs after the verdict (replay bookkeeping, audit). */
  readonly issuer?: string;
  readonly ctiHex?: string;
  readonly expiresAt?: number;
}
