// What `verikiosk lists inspect FILE` shows about a signed list: a plain, JSON-ready summary,
// with the signature checked against the anchors when they are given.
import { COSE_ALG } from '../verify/types.js';
import { checkListSignature, openSignedList, type TrustAnchor } from './anchors.js';
import { TrustError } from './errors.js';
import { decodePayload, listKindOf, type ListKind } from './payload.js';
import { ENTRY_BYTES, parseStatusList } from './status-list.js';
import { parseTrustList, type DroppedKeyReason } from './trust-list.js';

export type SignatureCheck =
  | { readonly status: 'valid'; readonly anchorKid: string }
  | { readonly status: 'unknown_anchor'; readonly detail: string }
  | { readonly status: 'bad'; readonly detail: string }
  | { readonly status: 'not_checked' };

export interface InspectedKey {
  readonly kid: string;
  readonly iss: string | null;
  /** Document types the key may sign; null = any. */
  readonly dt: readonly string[] | null;
  readonly status: 'active' | 'revoked';
  readonly source: 'spki' | 'x5c';
  readonly nbf: string | null;
  readonly exp: string | null;
  readonly certificate: { readonly notBefore: string; readonly notAfter: string; readonly extendedKeyUsage: readonly string[] | null } | null;
}

export interface InspectedDroppedKey {
  readonly index: number;
  readonly kid: string;
  readonly iss: string;
  readonly reason: DroppedKeyReason;
  readonly detail: string;
}

export interface ListInspection {
  readonly kind: ListKind;
  /** SL1 only. */
  readonly variant: 'full' | 'delta' | null;
  readonly seq: number;
  /** SL1 deltas only: the seq the delta applies on. */
  readonly base: number | null;
  readonly iat: string;
  readonly nu: string;
  readonly signer: { readonly kid: string; readonly alg: number; readonly algName: string };
  readonly signature: SignatureCheck;
  /** TL1 only. */
  readonly keys: {
    readonly count: number;
    readonly entries: readonly InspectedKey[];
    readonly dropped: readonly InspectedDroppedKey[];
  } | null;
  /** SL1 only: entries held (full) or added and removed (delta). */
  readonly entries: { readonly add: number; readonly del: number } | null;
}

/**
 * Summarises a signed list. A list whose COSE envelope or payload is malformed throws a
 * TrustError (the CLI prints its message); a signature that fails is reported, not thrown,
 * so the operator can still see what the file claims to be.
 */
export function inspectList(bytes: Uint8Array, anchors?: readonly TrustAnchor[]): ListInspection {
  const envelope = openSignedList(bytes);
  const signature = anchors ? checkSignature(() => checkListSignature(envelope, anchors)) : { status: 'not_checked' as const };
  const signer = { kid: envelope.kidHex, alg: envelope.alg, algName: algName(envelope.alg) };
  const kind = listKindOf(decodePayload(envelope.payload));

  if (kind === 'TL1') {
    const list = parseTrustList(envelope.payload);
    return {
      kind,
      variant: null,
      seq: list.seq,
      base: null,
      iat: isoDate(list.iat),
      nu: isoDate(list.nu),
      signer,
      signature,
      keys: {
        count: list.keys.length,
        entries: list.keys.map((key) => ({
          kid: key.kidHex,
          iss: key.issuer ?? null,
          dt: key.documentTypes ?? null,
          status: key.status,
          source: key.certificate ? 'x5c' : 'spki',
          nbf: key.notBefore === undefined ? null : isoDate(key.notBefore),
          exp: key.notAfter === undefined ? null : isoDate(key.notAfter),
          certificate: key.certificate
            ? {
                notBefore: isoDate(key.certificate.notBefore),
                notAfter: isoDate(key.certificate.notAfter),
                extendedKeyUsage: key.certificate.extendedKeyUsage ?? null,
              }
            : null,
        })),
        dropped: list.dropped.map((entry) => ({
          index: entry.index,
          kid: entry.kidHex,
          iss: entry.issuer,
          reason: entry.reason,
          detail: entry.detail,
        })),
      },
      entries: null,
    };
  }

  const document = parseStatusList(envelope.payload);
  return {
    kind,
    variant: document.kind,
    seq: document.seq,
    base: document.base ?? null,
    iat: isoDate(document.iat),
    nu: isoDate(document.nu),
    signer,
    signature,
    keys: null,
    entries: { add: document.add.byteLength / ENTRY_BYTES, del: document.del.byteLength / ENTRY_BYTES },
  };
}

function checkSignature(check: () => TrustAnchor): SignatureCheck {
  try {
    return { status: 'valid', anchorKid: check().kidHex };
  } catch (error) {
    if (error instanceof TrustError && error.code === 'unknown_anchor') return { status: 'unknown_anchor', detail: error.message };
    if (error instanceof TrustError && error.code === 'bad_list_signature') return { status: 'bad', detail: error.message };
    throw error;
  }
}

const ALG_NAMES = new Map<number, string>(Object.entries(COSE_ALG).map(([name, alg]) => [alg, name.replace('_', '-')]));

function algName(alg: number): string {
  return ALG_NAMES.get(alg) ?? `unknown (${alg})`;
}

/** ISO 8601 for a NumericDate; the bare number when it lies outside what a Date can hold. */
function isoDate(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? String(seconds) : date.toISOString();
}
