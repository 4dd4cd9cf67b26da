// The trust list (TL1 of lists.md) the verifier looks issuer keys up in, and the keys or
// certificates an operator installs directly from a PEM file.
import { computeKid, importCertificate, importSpki } from '../verify/keys.js';
import type { TrustedKey, TrustView, VerificationKey } from '../verify/types.js';
import { TrustError, messageOf } from './errors.js';
import { sameBytes, toHex } from './hex.js';
import {
  bytes,
  decodePayload,
  expectKind,
  int,
  optionalBytes,
  optionalInt,
  optionalTextArray,
  text,
  uint,
  type PayloadMap,
} from './payload.js';
import { readPemBlocks } from './pem.js';

/** Why a well-formed entry was left out of the keys in force. */
export type DroppedKeyReason =
  /** The entry's kid is not the one its own key material gives: such a key is never used (eid-qr.md §2). */
  | 'kid_mismatch'
  /** The key or certificate cannot be read, or uses an algorithm this kiosk does not know. */
  | 'unusable_key'
  /** Two entries share a kid: a look-up could not tell them apart, so neither is used. */
  | 'duplicate_kid';

export interface DroppedKey {
  /** Position in the list's `keys` array. */
  readonly index: number;
  readonly kidHex: string;
  readonly issuer: string;
  readonly reason: DroppedKeyReason;
  readonly detail: string;
}

/** Finds keys by kid in O(1): every TrustView here is backed by one. */
class KeyIndex {
  private readonly byKid = new Map<string, TrustedKey>();
  constructor(keys: readonly TrustedKey[]) {
    for (const key of keys) this.byKid.set(key.kidHex, key);
  }
  find(kid: Uint8Array): TrustedKey | undefined {
    return kid.byteLength === 8 ? this.byKid.get(toHex(kid)) : undefined;
  }
}

export class TrustList implements TrustView {
  private readonly index: KeyIndex;

  constructor(
    readonly seq: number,
    /** NumericDate of publication. */
    readonly iat: number,
    /** NumericDate of the next scheduled update. */
    readonly nu: number,
    /** The keys in force, in list order. */
    readonly keys: readonly TrustedKey[],
    /** Entries left out, each with the reason: the operator and the bureau should hear of them. */
    readonly dropped: readonly DroppedKey[],
    /** The signed payload it was read from: the same seq with another payload is a conflict. */
    readonly payload: Uint8Array,
  ) {
    this.index = new KeyIndex(keys);
  }

  get nextUpdate(): number {
    return this.nu;
  }

  findKey(kid: Uint8Array): TrustedKey | undefined {
    return this.index.find(kid);
  }
}

/** Parses a verified TL1 payload. Type errors refuse the list whole; unusable entries are dropped and reported. */
export function parseTrustList(payload: Uint8Array): TrustList {
  const map = decodePayload(payload);
  expectKind(map, 'TL1');
  const seq = uint(map, 'seq', 'the trust list');
  const iat = int(map, 'iat', 'the trust list');
  const nu = int(map, 'nu', 'the trust list');
  const rawKeys = map.get('keys');
  if (!Array.isArray(rawKeys)) throw new TrustError('malformed_list', 'the trust list: "keys" must be an array');

  const candidates: TrustedKey[] = [];
  const candidateIndex: number[] = [];
  const dropped: DroppedKey[] = [];
  rawKeys.forEach((raw: unknown, index) => {
    const entry = readEntry(raw, index);
    const drop = (reason: DroppedKeyReason, detail: string): void => {
      dropped.push({ index, kidHex: toHex(entry.kid), issuer: entry.issuer, reason, detail });
    };
    let material: KeyMaterial;
    try {
      material = entry.source === 'spki' ? spkiMaterial(entry.der) : certificateMaterial(entry.der);
    } catch (error) {
      drop('unusable_key', messageOf(error));
      return;
    }
    if (!sameBytes(material.kid, entry.kid)) {
      drop('kid_mismatch', `the key material gives kid ${toHex(material.kid)}`);
      return;
    }
    candidates.push({
      kid: entry.kid,
      kidHex: toHex(entry.kid),
      key: material.key,
      issuer: entry.issuer,
      status: entry.status,
      ...(entry.documentTypes && { documentTypes: entry.documentTypes }),
      ...(entry.notBefore !== undefined && { notBefore: entry.notBefore }),
      ...(entry.notAfter !== undefined && { notAfter: entry.notAfter }),
      ...(material.certificate && { certificate: material.certificate }),
    });
    candidateIndex.push(index);
  });

  const seen = new Map<string, number>();
  for (const key of candidates) seen.set(key.kidHex, (seen.get(key.kidHex) ?? 0) + 1);
  const keys: TrustedKey[] = [];
  candidates.forEach((key, i) => {
    if ((seen.get(key.kidHex) ?? 0) > 1) {
      dropped.push({
        index: candidateIndex[i] ?? -1,
        kidHex: key.kidHex,
        issuer: key.issuer ?? '',
        reason: 'duplicate_kid',
        detail: `${seen.get(key.kidHex)} entries carry this kid`,
      });
    } else {
      keys.push(key);
    }
  });
  dropped.sort((a, b) => a.index - b.index);
  return new TrustList(seq, iat, nu, keys, dropped, payload);
}

interface TrustListEntry {
  readonly kid: Uint8Array;
  readonly issuer: string;
  /** Where the key material comes from: a bare SPKI or an X.509 certificate. */
  readonly source: 'spki' | 'x5c';
  readonly der: Uint8Array;
  readonly documentTypes?: string[];
  readonly notBefore?: number;
  readonly notAfter?: number;
  readonly status: 'active' | 'revoked';
}

function readEntry(raw: unknown, index: number): TrustListEntry {
  const where = `trust list entry ${index}`;
  if (!(raw instanceof Map)) throw new TrustError('malformed_list', `${where} is not a map`);
  const map = raw as PayloadMap;
  const kid = bytes(map, 'kid', where, 8);
  const issuer = text(map, 'iss', where);
  const spki = optionalBytes(map, 'spki', where);
  const x5c = optionalBytes(map, 'x5c', where);
  if (spki && x5c) throw new TrustError('malformed_list', `${where} carries both "spki" and "x5c"`);
  const material = spki ? { source: 'spki' as const, der: spki } : x5c ? { source: 'x5c' as const, der: x5c } : undefined;
  if (!material) throw new TrustError('malformed_list', `${where} carries neither "spki" nor "x5c"`);
  const status = text(map, 'st', where);
  if (status !== 'active' && status !== 'revoked') {
    throw new TrustError('malformed_list', `${where}: "st" must be "active" or "revoked", not "${status}"`);
  }
  return {
    kid,
    issuer,
    status,
    ...material,
    documentTypes: optionalTextArray(map, 'dt', where),
    notBefore: optionalInt(map, 'nbf', where),
    notAfter: optionalInt(map, 'exp', where),
  };
}

interface KeyMaterial {
  readonly kid: Uint8Array;
  readonly key: VerificationKey;
  readonly certificate?: TrustedKey['certificate'];
}

/** kid over the DER SubjectPublicKeyInfo. */
function spkiMaterial(spki: Uint8Array): KeyMaterial {
  return { kid: computeKid(spki), key: importSpki(spki) };
}

/** kid over the DER certificate (eid-qr.md §2, as EU DCC does); validity and EKU travel with the key. */
function certificateMaterial(der: Uint8Array): KeyMaterial {
  const certificate = importCertificate(der);
  return {
    kid: computeKid(der),
    key: certificate.key,
    certificate: {
      notBefore: certificate.notBefore,
      notAfter: certificate.notAfter,
      ...(certificate.extendedKeyUsage && { extendedKeyUsage: certificate.extendedKeyUsage }),
    },
  };
}

/** Keys and certificates installed directly, with no trust list: no issuer check, no freshness rule. */
export class InstalledKeys implements TrustView {
  /** Always absent: directly installed keys have no publication to go stale. */
  readonly nextUpdate?: number;
  private readonly index: KeyIndex;
  constructor(readonly keys: readonly TrustedKey[]) {
    this.index = new KeyIndex(keys);
  }
  findKey(kid: Uint8Array): TrustedKey | undefined {
    return this.index.find(kid);
  }
}

/**
 * A TrustView over a PEM file mixing `PUBLIC KEY` and `CERTIFICATE` blocks. The kid is computed
 * here — over the SPKI for a key, over the DER certificate for a certificate — so it always
 * matches the material. Any other block, or one that cannot be read, refuses the file.
 */
export function trustViewFromPem(pemText: string): InstalledKeys {
  const keys = new Map<string, TrustedKey>();
  readPemBlocks(pemText).forEach((block, index) => {
    let material: KeyMaterial;
    try {
      if (block.label === 'PUBLIC KEY') material = spkiMaterial(block.der);
      else if (block.label === 'CERTIFICATE') material = certificateMaterial(block.der);
      else throw new Error(`"${block.label}" is neither "PUBLIC KEY" nor "CERTIFICATE"`);
    } catch (error) {
      throw new TrustError('bad_pem', `key block ${index + 1}: ${messageOf(error)}`, { cause: error });
    }
    const kidHex = toHex(material.kid);
    if (keys.has(kidHex)) return;
    keys.set(kidHex, {
      kid: material.kid,
      kidHex,
      key: material.key,
      status: 'active',
      ...(material.certificate && { certificate: material.certificate }),
    });
  });
  if (keys.size === 0) throw new TrustError('bad_pem', 'the key file holds no PUBLIC KEY or CERTIFICATE block');
  return new InstalledKeys([...keys.values()]);
}
