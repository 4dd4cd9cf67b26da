// COSE_Sign1 messages (RFC 9052) as the issuer makes them, including deliberately unusual or
// broken ones (kid placement, alg override, no tag, corrupted signature) for negative tests.
import { encodeCbor } from '../../main/verify/cbor.js';
import type { IssuerKey } from './keys.js';

export type HeaderLabel = number | string;
export type HeaderMap = ReadonlyMap<HeaderLabel, unknown>;

export const HEADER = { alg: 1, kid: 4 } as const;

/** CBOR tag 18 (COSE_Sign1) is the single initial byte 0xd2. */
const TAG_COSE_SIGN1 = 0xd2;

export interface CoseSign1Options {
  /** Wrap in CBOR tag 18. Default true. */
  readonly tagged?: boolean;
  /** Where header 4 (kid) goes. Default 'protected'. */
  readonly kidIn?: 'protected' | 'unprotected' | 'both' | 'none';
  /** The kid to write. Default the key's own (pass another for an `unknown_kid` case). */
  readonly kid?: Uint8Array;
  /** Header 1 (alg). Default the key's COSE alg; `null` leaves it out. */
  readonly alg?: number | null;
  /** Where header 1 (alg) goes. Default 'protected'. */
  readonly algIn?: 'protected' | 'unprotected';
  /** Further headers, written after alg and kid, so they may also replace them. */
  readonly protectedExtra?: HeaderMap;
  readonly unprotectedExtra?: HeaderMap;
  /** Flip one bit of the signature after signing. */
  readonly corruptSignature?: boolean;
}

/** The bytes a COSE_Sign1 signature covers: `["Signature1", protected, h'', payload]`. */
export function sigStructure(protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array {
  return encodeCbor(['Signature1', protectedBytes, new Uint8Array(0), payload]);
}

/** Signs `payload` with `key` and returns the encoded COSE_Sign1 message. */
export function signCoseSign1(key: IssuerKey, payload: Uint8Array, options: CoseSign1Options = {}): Uint8Array {
  const protectedHeader = new Map<HeaderLabel, unknown>();
  const unprotectedHeader = new Map<HeaderLabel, unknown>();
  const alg = options.alg === undefined ? key.coseAlg : options.alg;
  if (alg !== null) (options.algIn === 'unprotected' ? unprotectedHeader : protectedHeader).set(HEADER.alg, alg);
  const kid = options.kid ?? key.kid;
  const kidIn = options.kidIn ?? 'protected';
  if (kidIn === 'protected' || kidIn === 'both') protectedHeader.set(HEADER.kid, kid);
  if (kidIn === 'unprotected' || kidIn === 'both') unprotectedHeader.set(HEADER.kid, kid);
  for (const [label, value] of options.protectedExtra ?? []) protectedHeader.set(label, value);
  for (const [label, value] of options.unprotectedExtra ?? []) unprotectedHeader.set(label, value);

  // RFC 9052 §3: no protected headers is a zero-length bstr, not an encoded empty map.
  const protectedBytes = protectedHeader.size === 0 ? new Uint8Array(0) : encodeCbor(protectedHeader);
  const signature = key.sign(sigStructure(protectedBytes, payload));
  if (options.corruptSignature) signature[0] = (signature[0] ?? 0) ^ 0x01;

  const message = encodeCbor([protectedBytes, unprotectedHeader, payload, signature]);
  if (options.tagged === false) return message;
  const tagged = new Uint8Array(message.length + 1);
  tagged[0] = TAG_COSE_SIGN1;
  tagged.set(message, 1);
  return tagged;
}
