// EID1 digital-ID codes (eid-qr.md): CWT claims from a friendly holder record, signed, zlib'd,
// Base45'd and prefixed — with every claim open to being set wrong for negative tests.
import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { encodeBase45 } from '../../main/verify/base45.js';
import { encodeCbor } from '../../main/verify/cbor.js';
import { CLAIM } from '../../main/verify/claims.js';
import { checkCharacter } from '../../main/verify/gb11643.js';
import { signCoseSign1 } from './cose.js';
import type { CoseSign1Options } from './cose.js';
import type { IssuerKey } from './keys.js';

export const EID_PREFIX = 'EID1:';
export const DEFAULT_TTL_SECONDS = 300;

/** The holder as the verifier's `Subject` names the fields (eid-qr.md §3 keys in comments). */
export interface EidHolder {
  /** dt: CN-RIC, CN-HMT or CN-FPR. */
  readonly documentType: string;
  /** dn */
  readonly documentNumber: string;
  /** nm */
  readonly name: string;
  /** en */
  readonly latinName?: string;
  /** sx: 0 unknown, 1 male, 2 female, 9 unspecified. */
  readonly sex: number;
  /** na: GB/T 3304 code, CN-RIC only. */
  readonly ethnicity?: string;
  /** nt: ISO 3166-1 alpha-3, CN-FPR only. */
  readonly nationality?: string;
  /** db: YYYY-MM-DD */
  readonly birthDate: string;
  /** ad */
  readonly address?: string;
  /** ia */
  readonly authority: string;
  /** vf: YYYY-MM-DD */
  readonly validFrom: string;
  /** vt: YYYY-MM-DD; absent or null = long-term. */
  readonly validTo?: string | null;
  /** ph: hex SHA-256 of the portrait. */
  readonly portraitHash?: string;
}

export type ClaimLabel = number | string;

export interface EidRequest {
  readonly iss: string;
  readonly holder: EidHolder;
  /** NumericDate; default the current time. */
  readonly iat?: number;
  /** Default iat + ttl. */
  readonly exp?: number;
  /** Seconds; default 300 (the default policy's longest lifetime). */
  readonly ttl?: number;
  readonly nbf?: number;
  /** Default 16 random bytes. */
  readonly cti?: Uint8Array;
  /** Raw CWT claims applied last: a value replaces the claim (any type), `undefined` removes it. */
  readonly claims?: ReadonlyMap<ClaimLabel, unknown>;
  /** Raw entries of the eid map applied last, same rule (`{ dn: 42 }`, `{ zz: 'unknown key' }`). */
  readonly eid?: Readonly<Record<string, unknown>>;
}

export interface EidOptions extends CoseSign1Options {
  /** zlib the COSE message. Default true. */
  readonly compress?: boolean;
  /** Default `EID1:`. */
  readonly prefix?: string;
}

export interface IssuedEid {
  /** The QR text. */
  readonly text: string;
  /** The claims as encoded (labels as CBOR keys). */
  readonly claims: ReadonlyMap<ClaimLabel, unknown>;
  /** CBOR of the claims: the COSE payload. */
  readonly payload: Uint8Array;
  /** The COSE_Sign1 message. */
  readonly cose: Uint8Array;
  /** What Base45 encodes: `cose` deflated, or `cose` itself when not compressed. */
  readonly transported: Uint8Array;
}

/** The eid map (text keys) for a holder, optional fields left out when absent. */
export function eidMap(holder: EidHolder): Map<string, unknown> {
  const map = new Map<string, unknown>([
    ['dt', holder.documentType],
    ['dn', holder.documentNumber],
    ['nm', holder.name],
  ]);
  if (holder.latinName !== undefined) map.set('en', holder.latinName);
  map.set('sx', holder.sex);
  if (holder.ethnicity !== undefined) map.set('na', holder.ethnicity);
  if (holder.nationality !== undefined) map.set('nt', holder.nationality);
  map.set('db', holder.birthDate);
  if (holder.address !== undefined) map.set('ad', holder.address);
  map.set('ia', holder.authority);
  map.set('vf', holder.validFrom);
  if (holder.validTo !== undefined && holder.validTo !== null) map.set('vt', holder.validTo);
  if (holder.portraitHash !== undefined) map.set('ph', new Uint8Array(Buffer.from(holder.portraitHash, 'hex')));
  return map;
}

/** The CWT claims map of a request, raw overrides applied. */
export function eidClaims(request: EidRequest): Map<ClaimLabel, unknown> {
  const iat = request.iat ?? Math.floor(Date.now() / 1000);
  const eid = eidMap(request.holder);
  applyOverrides(eid, Object.entries(request.eid ?? {}));
  const claims = new Map<ClaimLabel, unknown>([[CLAIM.iss, request.iss]]);
  claims.set(CLAIM.exp, request.exp ?? iat + (request.ttl ?? DEFAULT_TTL_SECONDS));
  if (request.nbf !== undefined) claims.set(CLAIM.nbf, request.nbf);
  claims.set(CLAIM.iat, iat);
  claims.set(CLAIM.cti, request.cti ?? new Uint8Array(randomBytes(16)));
  claims.set(CLAIM.eid, eid);
  applyOverrides(claims, request.claims ?? []);
  return claims;
}

/** Signs a digital ID and returns its QR text with the bytes behind it. */
export function issueEid(key: IssuerKey, request: EidRequest, options: EidOptions = {}): IssuedEid {
  const claims = eidClaims(request);
  const payload = encodeCbor(claims);
  const cose = signCoseSign1(key, payload, options);
  const transported = options.compress === false ? cose : new Uint8Array(deflateSync(cose, { level: 9 }));
  return { text: (options.prefix ?? EID_PREFIX) + encodeBase45(transported), claims, payload, cose, transported };
}

/**
 * A GB 11643 citizen number: 6-digit region code, birth date, 3-digit sequence (odd for men,
 * even for women) and its check character.
 */
export function citizenIdNumber(region: string, birthDate: string, sequence: number): string {
  const body = `${region}${birthDate.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
  const check = checkCharacter(body);
  if (check === undefined) throw new Error('citizen number: region must be 6 digits, date YYYY-MM-DD, sequence 0–999');
  return body + check;
}

function applyOverrides<K>(target: Map<K, unknown>, overrides: Iterable<readonly [K, unknown]>): void {
  for (const [label, value] of overrides) {
    if (value === undefined) target.delete(label);
    else target.set(label, value);
  }
}
