// CWT claims (RFC 8392) of a verified payload, and the EID1 identity map (eid-qr.md §3):
// present, well-typed, or the claims are malformed (`bad_claims`).

export const CLAIM = { iss: 1, exp: 4, nbf: 5, iat: 6, cti: 7, eid: -65537, hcert: -260 } as const;

export interface CwtClaims {
  readonly iss?: string;
  readonly exp?: number;
  readonly nbf?: number;
  readonly iat?: number;
  readonly cti?: Uint8Array;
}

/** The identity inside an EID1 code, keys as the spec names them. */
export interface EidIdentity {
  readonly dt: string;
  readonly dn: string;
  readonly nm: string;
  readonly en?: string;
  readonly sx: number;
  readonly na?: string;
  readonly nt?: string;
  readonly db: string;
  readonly ad?: string;
  readonly ia: string;
  readonly vf: string;
  readonly vt?: string;
  readonly ph?: Uint8Array;
}

export const DOCUMENT_TYPES = ['CN-RIC', 'CN-HMT', 'CN-FPR'] as const;

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A NumericDate claim: an integer, or absent. Anything else is a typing error. */
function intClaim(map: ReadonlyMap<unknown, unknown>, label: number, problems: string[]): number | undefined {
  const v = map.get(label);
  if (v === undefined) return undefined;
  if (typeof v === 'bigint' || !isInt(v)) {
    problems.push(`claim ${label} is not an integer`);
    return undefined;
  }
  return v;
}

/**
 * Reads the standard claims the pipeline uses before and after the signature. Never throws:
 * typing problems are collected, so the caller decides when they may be reported.
 */
export function readCwtClaims(payload: ReadonlyMap<unknown, unknown>): { claims: CwtClaims; problems: string[] } {
  const problems: string[] = [];
  const iss = payload.get(CLAIM.iss);
  if (iss !== undefined && typeof iss !== 'string') problems.push('iss is not a text string');
  const cti = payload.get(CLAIM.cti);
  if (cti !== undefined && !(cti instanceof Uint8Array)) problems.push('cti is not a byte string');
  const claims: CwtClaims = {
    iss: typeof iss === 'string' ? iss : undefined,
    exp: intClaim(payload, CLAIM.exp, problems),
    nbf: intClaim(payload, CLAIM.nbf, problems),
    iat: intClaim(payload, CLAIM.iat, problems),
    cti: cti instanceof Uint8Array ? cti : undefined,
  };
  return { claims, problems };
}

/** The EID1 claim rules of eid-qr.md §3; returns the problems found (empty = well-formed). */
export function checkEidClaims(claims: CwtClaims, problems: readonly string[]): string[] {
  const out = [...problems];
  if (claims.iss === undefined) out.push('iss missing');
  if (claims.exp === undefined) out.push('exp missing');
  if (claims.iat === undefined) out.push('iat missing');
  if (claims.cti === undefined) out.push('cti missing');
  else if (claims.cti.length < 8 || claims.cti.length > 32) out.push('cti is not 8–32 bytes');
  return out;
}

type Field = 'tstr' | 'date' | 'uint' | 'bstr';
const EID_FIELDS: Record<keyof EidIdentity, { type: Field; required: boolean }> = {
  dt: { type: 'tstr', required: true },
  dn: { type: 'tstr', required: true },
  nm: { type: 'tstr', required: true },
  en: { type: 'tstr', required: false },
  sx: { type: 'uint', required: true },
  na: { type: 'tstr', required: false },
  nt: { type: 'tstr', required: false },
  db: { type: 'date', required: true },
  ad: { type: 'tstr', required: false },
  ia: { type: 'tstr', required: true },
  vf: { type: 'date', required: true },
  vt: { type: 'date', required: false },
  ph: { type: 'bstr', required: false },
};

const EID_FIELD_LIST = Object.entries(EID_FIELDS) as [keyof EidIdentity, { type: Field; required: boolean }][];

function fieldOk(type: Field, v: unknown): boolean {
  switch (type) {
    case 'tstr':
      return typeof v === 'string';
    case 'date':
      return typeof v === 'string' && DATE.test(v) && isRealDate(v);
    case 'uint':
      return isInt(v) && v >= 0;
    case 'bstr':
      return v instanceof Uint8Array;
  }
}

/**
 * True for a calendar date of the proleptic Gregorian calendar (what `Date` accepts for years
 * 0000–9999), given text already shaped `YYYY-MM-DD`. Arithmetic rather than a Date round trip:
 * three dates per code made this the verifier's costliest step after the signature.
 */
export function isRealDate(iso: string): boolean {
  const year = Number(iso.slice(0, 4));
  const month = Number(iso.slice(5, 7));
  const day = Number(iso.slice(8, 10));
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const length = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day <= length;
}

/**
 * Reads the `eid` map. Unknown keys are ignored (forward compatibility); a known key of the
 * wrong type, or a missing required one, is a problem. `identity` is returned only when
 * there are none.
 */
export function readEidIdentity(value: unknown): { identity?: EidIdentity; problems: string[] } {
  if (!(value instanceof Map)) return { problems: ['eid is missing or not a map'] };
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, spec] of EID_FIELD_LIST) {
    const v: unknown = value.get(key);
    if (v === undefined) {
      if (spec.required) problems.push(`eid.${key} missing`);
      continue;
    }
    if (!fieldOk(spec.type, v)) {
      problems.push(`eid.${key} has the wrong type`);
      continue;
    }
    out[key] = v;
  }
  if (problems.length > 0) return { problems };
  return { identity: out as unknown as EidIdentity, problems };
}
