// Issuer public keys: kid derivation, SubjectPublicKeyInfo and X.509 import, and signature
// verification per COSE algorithm (eid-qr.md §2). Parsing happens once, at import.
import { X509Certificate, constants, createHash, createPublicKey, createVerify, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { Sm2PublicKey, isSm2Spki } from './sm2.js';
import { COSE_ALG, type KeyFamily, type VerificationKey } from './types.js';

/** kid = the first 8 bytes of SHA-256 over `der` (an SPKI for EID1, the signing certificate for HC1). */
export function computeKid(der: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(der).digest().subarray(0, 8));
}

/** Smallest RSA modulus accepted: below 2048 bits a key is no longer considered safe for signatures. */
const MIN_RSA_BITS = 2048;

const ALG_OF_FAMILY: Record<KeyFamily, number> = {
  'ec-p256': COSE_ALG.ES256,
  ed25519: COSE_ALG.EdDSA,
  rsa: COSE_ALG.PS256,
  sm2: COSE_ALG.SM2_SM3,
};

/** One algorithm per family: the check that turns `data` + `signature` into a yes/no, never throwing. */
type Check = (data: Uint8Array, signature: Uint8Array) => boolean;
/**
 * The same check over data given in parts, hashed one after another: a signed 80 MB status list
 * is checked without first copying it behind its Sig_structure head. Only where the algorithm
 * hashes its input as a stream (ES256, PS256); EdDSA and SM2-with-Z_A take the whole message.
 */
type PartsCheck = (parts: readonly Uint8Array[], signature: Uint8Array) => boolean;

function nodeCheck(key: KeyObject, family: Exclude<KeyFamily, 'sm2'>): { check: Check; parts?: PartsCheck } {
  switch (family) {
    case 'ec-p256': {
      // Built once: the per-call cost is the verification itself.
      const options = { key, dsaEncoding: 'ieee-p1363' as const };
      const streamed = sha256Parts(options);
      return {
        check: (data, signature) => signature.length === 64 && cryptoVerify('sha256', data, options, signature),
        parts: (parts, signature) => signature.length === 64 && streamed(parts, signature),
      };
    }
    case 'ed25519':
      return { check: (data, signature) => signature.length === 64 && cryptoVerify(null, data, key, signature) };
    case 'rsa': {
      const options = { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
      const modulusBytes = Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
      const streamed = sha256Parts(options);
      // MGF1 uses the signature's hash (SHA-256) unless told otherwise, as PS256 requires.
      return {
        check: (data, signature) => signature.length === modulusBytes && cryptoVerify('sha256', data, options, signature),
        parts: (parts, signature) => signature.length === modulusBytes && streamed(parts, signature),
      };
    }
  }
}

class IssuerKey implements VerificationKey {
  readonly #alg: number;
  readonly #check: Check;
  readonly #partsCheck: PartsCheck | undefined;

  constructor(
    readonly family: KeyFamily,
    readonly spki: Uint8Array,
    check: Check,
    partsCheck?: PartsCheck,
  ) {
    this.#alg = ALG_OF_FAMILY[family];
    this.#check = check;
    this.#partsCheck = partsCheck;
  }

  supports(alg: number): boolean {
    return alg === this.#alg;
  }

  verify(alg: number, data: Uint8Array, signature: Uint8Array): boolean {
    if (alg !== this.#alg || !(data instanceof Uint8Array) || !(signature instanceof Uint8Array)) return false;
    try {
      return this.#check(data, signature);
    } catch {
      // OpenSSL refuses some malformed signatures by throwing; for a verifier that is simply "no".
      return false;
    }
  }

  verifyParts(alg: number, parts: readonly Uint8Array[], signature: Uint8Array): boolean {
    if (!this.#partsCheck) return this.verify(alg, Buffer.concat(parts), signature);
    if (alg !== this.#alg || !parts.every((p) => p instanceof Uint8Array) || !(signature instanceof Uint8Array)) return false;
    try {
      return this.#partsCheck(parts, signature);
    } catch {
      return false;
    }
  }
}

/** A streaming SHA-256 verifier over `parts` with the given key options. */
function sha256Parts(options: Parameters<ReturnType<typeof createVerify>['verify']>[0]): (parts: readonly Uint8Array[], signature: Uint8Array) => boolean {
  return (parts, signature) => {
    const verifier = createVerify('sha256');
    for (const part of parts) verifier.update(part);
    return verifier.verify(options, signature);
  };
}

function familyOf(key: KeyObject): Exclude<KeyFamily, 'sm2'> {
  const type = key.asymmetricKeyType;
  switch (type) {
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      if (curve !== 'prime256v1') throw new Error(`unsupported EC curve ${curve ?? '(unnamed)'}: only P-256 (ES256) is accepted`);
      return 'ec-p256';
    }
    case 'ed25519':
      return 'ed25519';
    case 'rsa':
    case 'rsa-pss': {
      const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
      if (bits < MIN_RSA_BITS) throw new Error(`RSA key of ${bits} bits is too short (at least ${MIN_RSA_BITS})`);
      return 'rsa';
    }
    default:
      throw new Error(`unsupported key type ${type ?? '(unknown)'}: expected P-256, Ed25519, RSA or SM2`);
  }
}

/**
 * Imports a DER SubjectPublicKeyInfo: P-256 (ES256), Ed25519 (EdDSA), RSA or RSASSA-PSS (PS256),
 * or SM2 (SM2-SM3). Throws Error with a clear message for anything else or malformed DER.
 */
export function importSpki(der: Uint8Array): VerificationKey {
  const spki = new Uint8Array(der); // our own copy: the caller's buffer may be reused
  if (isSm2Spki(spki)) {
    const sm2 = Sm2PublicKey.fromSpki(spki);
    return new IssuerKey('sm2', spki, (data, signature) => sm2.verify(data, signature));
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch (err) {
    throw new Error(`not a DER SubjectPublicKeyInfo this kiosk can read: ${(err as Error).message}`, { cause: err });
  }
  const family = familyOf(key);
  const { check, parts } = nodeCheck(key, family);
  return new IssuerKey(family, spki, check, parts);
}

export interface ImportedCertificate {
  readonly key: VerificationKey;
  /** First 8 bytes of SHA-256 over the DER certificate (the HC1 kid). */
  readonly kid: Uint8Array;
  /** Validity, NumericDate seconds. */
  readonly notBefore: number;
  readonly notAfter: number;
  /** Extended key usage OIDs (dotted); absent when the certificate has no such extension. */
  readonly extendedKeyUsage?: string[];
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** OpenSSL's printed time, e.g. "May  3 18:00:00 2021 GMT", as NumericDate seconds. */
function certificateTime(printed: string, precise: Date | undefined): number {
  if (precise instanceof Date && !Number.isNaN(precise.getTime())) return Math.floor(precise.getTime() / 1000);
  const m = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4}) GMT$/.exec(printed);
  const month = m ? MONTHS.indexOf(m[1]!) : -1;
  if (!m || month < 0) throw new Error(`unreadable certificate time ${JSON.stringify(printed)}`);
  return Date.UTC(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])) / 1000;
}

/** Newer Node versions (and Electron's) name things differently; read whichever this one has. */
interface X509Extras {
  readonly validFromDate?: Date;
  readonly validToDate?: Date;
  readonly extKeyUsage?: string[];
}

/**
 * Imports a DER X.509 certificate (an EU DCC document signing certificate): its public key as a
 * VerificationKey, its kid, validity and extended key usage. The certificate's own signature and
 * chain are not checked here: the trust list vouches for it.
 */
export function importCertificate(der: Uint8Array): ImportedCertificate {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(Buffer.from(der));
  } catch (err) {
    throw new Error(`not a DER X.509 certificate: ${(err as Error).message}`, { cause: err });
  }
  const extras = cert as unknown as X509Extras;
  let spki: Uint8Array;
  try {
    spki = new Uint8Array(cert.publicKey.export({ type: 'spki', format: 'der' }));
  } catch (err) {
    throw new Error(`the certificate's public key cannot be read: ${(err as Error).message}`, { cause: err });
  }
  const eku = extras.extKeyUsage ?? cert.keyUsage;
  return {
    key: importSpki(spki),
    kid: computeKid(der),
    notBefore: certificateTime(cert.validFrom, extras.validFromDate),
    notAfter: certificateTime(cert.validTo, extras.validToDate),
    ...(eku !== undefined ? { extendedKeyUsage: [...eku] } : {}),
  };
}
