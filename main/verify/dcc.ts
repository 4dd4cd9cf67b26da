// The HC1 (EU Digital COVID Certificate) profile of the pipeline, eid-qr.md §4: where the DCC sits
// in the CWT, which kind it is, the signing certificate's key-usage rule, and what a person reads.
import { dccSchemaProblems } from './dcc-schema.js';
import type { Subject } from './types.js';

/** CWT claim that holds the health certificate container; inside it, key 1 holds the DCC. */
export const HCERT_CLAIM = -260;
const HCERT_DCC = 1;

export type DccCertificateType = NonNullable<Subject['certificateType']>;

/** The DCC keys naming each kind of certificate. */
const TYPE_KEYS = { v: 'vaccination', t: 'test', r: 'recovery' } as const satisfies Record<string, DccCertificateType>;

/**
 * Extended key usage OIDs that let a document signing certificate sign each kind. Each comes in
 * the registered arc 1.3.6.1.4.1.1847 and the `.0.` variant 1.3.6.1.4.1.0.1847 that real issuers
 * and the conformance data use.
 */
export const DCC_KEY_USAGE_OIDS: Readonly<Record<DccCertificateType, readonly string[]>> = {
  test: ['1.3.6.1.4.1.1847.2021.1.1', '1.3.6.1.4.1.0.1847.2021.1.1'],
  vaccination: ['1.3.6.1.4.1.1847.2021.1.2', '1.3.6.1.4.1.0.1847.2021.1.2'],
  recovery: ['1.3.6.1.4.1.1847.2021.1.3', '1.3.6.1.4.1.0.1847.2021.1.3'],
};
const ALL_DCC_OIDS = new Set(Object.values(DCC_KEY_USAGE_OIDS).flat());

/** A DCC read out of a CWT payload. */
export interface DccPayload {
  /** The DCC object (`-260 → 1`), text keys, nested maps as Map. Personal data: never log it. */
  readonly dcc: ReadonlyMap<string, unknown>;
  /** The kind, when the DCC holds exactly one of `v`, `t`, `r`; otherwise undefined (→ `key_usage`). */
  readonly certificateType?: DccCertificateType;
  /** What the kiosk shows a person. */
  readonly subject: Subject;
}

/**
 * Reads the DCC out of a decoded CWT payload (the Map decodeCbor returns). Never throws: when the
 * container is missing or mis-shaped, `payload` is absent and `problems` says why; when the DCC
 * breaks the schema's shape rules (dcc-schema.ts), `payload` is there and `problems` names them; so the
 * verifier can report `bad_claims` only once the signature holds. The standard claims (iss, iat,
 * exp) are read by the verifier like any CWT's; for a DCC, iss is optional (the hcert spec's rule).
 */
export function readDccPayload(payload: ReadonlyMap<unknown, unknown>): { payload?: DccPayload; problems: string[] } {
  const hcert = payload.get(HCERT_CLAIM);
  if (!(hcert instanceof Map)) return { problems: [`claim ${HCERT_CLAIM} (hcert) is missing or not a map`] };
  const dcc: unknown = hcert.get(HCERT_DCC);
  if (!(dcc instanceof Map)) return { problems: [`hcert key ${HCERT_DCC} (the DCC) is missing or not a map`] };
  for (const key of dcc.keys()) {
    if (typeof key !== 'string') return { problems: ['the DCC has a key that is not a text string'] };
  }
  const map = dcc as ReadonlyMap<string, unknown>;
  const certificateType = dccCertificateType(map);
  return {
    payload: { dcc: map, ...(certificateType ? { certificateType } : {}), subject: dccSubject(map) },
    // A DCC that breaks the DCC schema's shape rules is still read (the person is shown), but the
    // verdict says bad_claims once the signature holds.
    problems: dccSchemaProblems(map),
  };
}

/**
 * The kind of certificate a DCC is: exactly one of `v`, `t`, `r` must be present; none or several
 * gives undefined, which the key-usage rule turns into `key_usage`.
 */
export function dccCertificateType(dcc: ReadonlyMap<string, unknown>): DccCertificateType | undefined {
  const present = (Object.keys(TYPE_KEYS) as (keyof typeof TYPE_KEYS)[]).filter((key) => dcc.get(key) !== undefined);
  return present.length === 1 ? TYPE_KEYS[present[0]!] : undefined;
}

/**
 * The EKU rule for one kind: a certificate without an extended key usage extension, or whose
 * extension names none of the DCC OIDs, may sign every kind; otherwise it must name the kind's
 * OID (either arc). "Names none" follows the EU hcert specification and the national apps, and is
 * what the conformance data expects (a certificate with an empty EKU signs anything).
 */
export function dccKeyUsageAllows(extendedKeyUsage: readonly string[] | undefined, type: DccCertificateType): boolean {
  if (extendedKeyUsage === undefined || !extendedKeyUsage.some((oid) => ALL_DCC_OIDS.has(oid))) return true;
  return DCC_KEY_USAGE_OIDS[type].some((oid) => extendedKeyUsage.includes(oid));
}

/**
 * The whole key-usage check of eid-qr.md §4 for the verifier: false (→ `key_usage`) when the DCC is
 * absent, does not hold exactly one of `v`/`t`/`r`, or is of a kind the certificate may not sign.
 */
export function dccKeyUsageOk(extendedKeyUsage: readonly string[] | undefined, dcc: DccPayload | undefined): boolean {
  if (!dcc?.certificateType) return false;
  return dccKeyUsageAllows(extendedKeyUsage, dcc.certificateType);
}

function text(map: unknown, key: string): string | undefined {
  if (!(map instanceof Map)) return undefined;
  const v: unknown = map.get(key);
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * The person as the kiosk shows them: names as printed (`fn`, `gn`), falling back to the ICAO
 * transliteration (`fnt`, `gnt`) when a printed form is absent; birth date as issued (`dob` may be
 * `YYYY`, `YYYY-MM` or `YYYY-MM-DD`); the certificate kind. Fields of the wrong type are left out:
 * this is for display, not validation.
 */
export function dccSubject(dcc: ReadonlyMap<string, unknown>): Subject {
  const nam = dcc.get('nam');
  const subject: Subject = {};
  const familyName = text(nam, 'fn') ?? text(nam, 'fnt');
  const givenName = text(nam, 'gn') ?? text(nam, 'gnt');
  const birthDate = text(dcc, 'dob');
  const certificateType = dccCertificateType(dcc);
  if (familyName !== undefined) subject.familyName = familyName;
  if (givenName !== undefined) subject.givenName = givenName;
  if (birthDate !== undefined) subject.birthDate = birthDate;
  if (certificateType !== undefined) subject.certificateType = certificateType;
  return subject;
}
