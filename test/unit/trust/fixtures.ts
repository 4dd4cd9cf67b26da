// Shared material for the trust tests: anchors, issuer keys, corpus certificates, and signed
// lists made with the issuer toolkit (the same code the reference bureau uses).
import { readFileSync } from 'node:fs';
import { generateIssuerKey, type IssuerAlg, type IssuerKey } from '../../../tools/issuer/keys.js';
import { loadAnchors, type TrustAnchor } from '../../../main/trust/anchors.js';
import { TrustError } from '../../../main/trust/errors.js';

export const NOW = 1_750_000_000;
export const DAY = 86_400;

const keyCache = new Map<string, IssuerKey>();
/** One key per name, made once per test file (key generation is not what is under test). */
export function issuerKey(name: string, alg: IssuerAlg = 'ES256'): IssuerKey {
  const id = `${name}/${alg}`;
  let key = keyCache.get(id);
  if (!key) {
    key = generateIssuerKey(alg);
    keyCache.set(id, key);
  }
  return key;
}

export function anchorsOf(...keys: IssuerKey[]): TrustAnchor[] {
  return loadAnchors(keys.map((key) => key.publicKeyPem()).join('\n'));
}

/** A signing certificate from the EU DCC conformance corpus (base64 DER in TESTCTX.CERTIFICATE). */
export function corpusCertificate(casePath: string): Uint8Array {
  const json = JSON.parse(readFileSync(`../shared/corpus/dcc/${casePath}`, 'utf8')) as {
    TESTCTX: { CERTIFICATE: string };
  };
  return new Uint8Array(Buffer.from(json.TESTCTX.CERTIFICATE, 'base64'));
}

/** DE case 1: Ubirch certificate, no extended key usage; kid 0c4b15512be91401. */
export const DE_CERT_CASE = 'DE/2DCode/raw/1.json';
/** common CO6: certificate whose extended key usage holds the test-certificate OID only. */
export const EKU_CERT_CASE = 'common/2DCode/raw/CO6.json';

export function salt(fill: number): Uint8Array {
  return new Uint8Array(16).fill(fill);
}

export function flipByte(bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice();
  copy[index] = (copy[index] ?? 0) ^ 0x01;
  return copy;
}

export function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  return Buffer.from(haystack).indexOf(Buffer.from(needle));
}

/** The TrustError `run` throws; fails the test when it throws nothing or something else. */
export function refusal(run: () => unknown): TrustError {
  try {
    run();
  } catch (error) {
    if (error instanceof TrustError) return error;
    throw error;
  }
  throw new Error('expected a TrustError, nothing was thrown');
}
