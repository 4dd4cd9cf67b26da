// Signing keys the issuer toolkit controls (issuer keys and trust anchors alike): generation,
// COSE-form signatures, and the PEM files they live in (PKCS#8 private, SPKI public).
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign as nodeSign, constants } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { COSE_ALG } from '../../main/verify/types.js';
import type { CoseAlg } from '../../main/verify/types.js';
import { computeKid } from '../../main/verify/keys.js';
import { sm2GenerateKeyPair, sm2PublicKeyFromPrivate, sm2Sign } from '../../main/verify/sm2.js';

export type IssuerAlg = 'ES256' | 'EdDSA' | 'PS256' | 'SM2';
export const ISSUER_ALGS: readonly IssuerAlg[] = ['ES256', 'EdDSA', 'PS256', 'SM2'];

export const COSE_ALG_OF: Record<IssuerAlg, CoseAlg> = {
  ES256: COSE_ALG.ES256,
  EdDSA: COSE_ALG.EdDSA,
  PS256: COSE_ALG.PS256,
  SM2: COSE_ALG.SM2_SM3,
};

/** A key we hold the private half of: signs COSE messages, codes and lists. */
export interface IssuerKey {
  readonly alg: IssuerAlg;
  readonly coseAlg: CoseAlg;
  /** DER SubjectPublicKeyInfo of the public half. */
  readonly spki: Uint8Array;
  /** First 8 bytes of SHA-256(spki). */
  readonly kid: Uint8Array;
  /** The signature in COSE form (eid-qr.md §2 table) over `data`. */
  sign(data: Uint8Array): Uint8Array;
  /** `-----BEGIN PRIVATE KEY-----`: PKCS#8, for every algorithm (SM2 included). */
  privateKeyPem(): string;
  /** `-----BEGIN PUBLIC KEY-----`: the SPKI, as a kiosk's anchor configuration takes it. */
  publicKeyPem(): string;
}

export function isIssuerAlg(value: string): value is IssuerAlg {
  return (ISSUER_ALGS as readonly string[]).includes(value);
}

export function generateIssuerKey(alg: IssuerAlg): IssuerKey {
  switch (alg) {
    case 'ES256':
      return fromKeyObject(alg, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    case 'EdDSA':
      return fromKeyObject(alg, generateKeyPairSync('ed25519').privateKey);
    case 'PS256':
      // A plain rsaEncryption key: its SPKI is the one every verifier reads; PSS is chosen at signing.
      return fromKeyObject(alg, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
    case 'SM2':
      return sm2Key(sm2GenerateKeyPair().privateKey);
  }
}

/** Reads a PKCS#8 private key PEM written by `privateKeyPem()` (or by OpenSSL); the algorithm follows from the key. */
export function importIssuerKey(pem: string): IssuerKey {
  const der = pemBody(pem, 'PRIVATE KEY');
  const sm2 = sm2PrivateScalar(der);
  if (sm2) return sm2Key(sm2);
  const key = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
  switch (key.asymmetricKeyType) {
    case 'ec':
      if (key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
        throw new Error(`unsupported EC curve ${key.asymmetricKeyDetails?.namedCurve ?? '?'} (ES256 needs P-256)`);
      }
      return fromKeyObject('ES256', key);
    case 'ed25519':
      return fromKeyObject('EdDSA', key);
    case 'rsa':
      return fromKeyObject('PS256', key);
    default:
      throw new Error(`unsupported private key type ${key.asymmetricKeyType ?? '?'}`);
  }
}

export function readIssuerKey(file: string): IssuerKey {
  return importIssuerKey(readFileSync(file, 'utf8'));
}

/** Writes PREFIX.key (private, mode 0600) and PREFIX.pub.pem; returns both paths. */
export function writeIssuerKey(key: IssuerKey, prefix: string): { keyFile: string; publicFile: string } {
  const keyFile = `${prefix}.key`;
  const publicFile = `${prefix}.pub.pem`;
  writeFileSync(keyFile, key.privateKeyPem(), { mode: 0o600 });
  writeFileSync(publicFile, key.publicKeyPem());
  return { keyFile, publicFile };
}

/** The DER SPKI inside a `PUBLIC KEY` PEM. */
export function spkiFromPem(pem: string): Uint8Array {
  return pemBody(pem, 'PUBLIC KEY');
}

export function toPem(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;
}

function pemBody(pem: string, label: string): Uint8Array {
  const match = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`).exec(pem);
  if (!match?.[1]) throw new Error(`not a ${label} PEM`);
  return new Uint8Array(Buffer.from(match[1].replace(/\s+/g, ''), 'base64'));
}

function fromKeyObject(alg: Exclude<IssuerAlg, 'SM2'>, privateKey: KeyObject): IssuerKey {
  const spki = new Uint8Array(createPublicKey(privateKey).export({ type: 'spki', format: 'der' }));
  const sign = (data: Uint8Array): Uint8Array => {
    switch (alg) {
      case 'ES256':
        return new Uint8Array(nodeSign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' }));
      case 'EdDSA':
        return new Uint8Array(nodeSign(null, data, privateKey));
      case 'PS256':
        // Node's MGF1 hash follows the digest: MGF1-SHA-256, as COSE PS256 requires.
        return new Uint8Array(
          nodeSign('sha256', data, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
        );
    }
  };
  return {
    alg,
    coseAlg: COSE_ALG_OF[alg],
    spki,
    kid: computeKid(spki),
    sign,
    privateKeyPem: () => privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: () => toPem(spki, 'PUBLIC KEY'),
  };
}

// SM2 keys are kept in the PKCS#8 form OpenSSL 3 writes for them: AlgorithmIdentifier
// id-ecPublicKey with the curve sm2p256v1, then an RFC 5915 ECPrivateKey without parameters
// and with the public point. Node's crypto cannot sign SM2-with-Z_A, so the DER is our own.
const OID_EC_PUBLIC_KEY = [0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_SM2P256V1 = [0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x82, 0x2d];
const SM2_ALGORITHM = [0x30, 0x13, ...OID_EC_PUBLIC_KEY, ...OID_SM2P256V1];

function sm2Key(privateKey: Uint8Array): IssuerKey {
  const d = Uint8Array.from(privateKey);
  const publicKey = sm2PublicKeyFromPrivate(d);
  const spki = publicKey.toSpki();
  const pkcs8 = Uint8Array.from([
    ...[0x30, 0x81, 0x87, 0x02, 0x01, 0x00],
    ...SM2_ALGORITHM,
    ...[0x04, 0x6d, 0x30, 0x6b, 0x02, 0x01, 0x01, 0x04, 0x20],
    ...d,
    ...[0xa1, 0x44, 0x03, 0x42, 0x00],
    ...publicKey.point,
  ]);
  return {
    alg: 'SM2',
    coseAlg: COSE_ALG.SM2_SM3,
    spki,
    kid: computeKid(spki),
    sign: (data) => sm2Sign(d, data),
    privateKeyPem: () => toPem(pkcs8, 'PRIVATE KEY'),
    publicKeyPem: () => toPem(spki, 'PUBLIC KEY'),
  };
}

/** The 32-byte private scalar of an SM2 PKCS#8 key, or undefined when the key is not SM2. */
function sm2PrivateScalar(der: Uint8Array): Uint8Array | undefined {
  const top = readTlv(der, 0, 0x30);
  const version = readTlv(der, top.start, 0x02);
  const algorithm = readTlv(der, version.end, 0x30);
  const algorithmBytes = der.subarray(algorithm.headerStart, algorithm.end);
  if (!sameBytes(algorithmBytes, SM2_ALGORITHM)) return undefined;
  const wrapped = readTlv(der, algorithm.end, 0x04);
  const ecPrivateKey = readTlv(der, wrapped.start, 0x30);
  const ecVersion = readTlv(der, ecPrivateKey.start, 0x02);
  const scalar = readTlv(der, ecVersion.end, 0x04);
  const d = der.subarray(scalar.start, scalar.end);
  if (d.length > 32 || d.length === 0) throw new Error('SM2 private key: scalar is not 1–32 bytes');
  const out = new Uint8Array(32);
  out.set(d, 32 - d.length);
  return out;
}

interface Tlv {
  readonly headerStart: number;
  readonly start: number;
  readonly end: number;
}

/** One DER element at `offset` with the expected tag (definite lengths up to 2 bytes suffice for keys). */
function readTlv(der: Uint8Array, offset: number, tag: number): Tlv {
  if (der[offset] !== tag) throw new Error(`private key: expected DER tag 0x${tag.toString(16)} at ${offset}`);
  let length = der[offset + 1] ?? 0;
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count < 1 || count > 2) throw new Error('private key: unsupported DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (der[start + i] ?? 0);
    start += count;
  }
  if (start + length > der.length) throw new Error('private key: DER element runs past the end');
  return { headerStart: offset, start, end: start + length };
}

function sameBytes(a: Uint8Array, b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
