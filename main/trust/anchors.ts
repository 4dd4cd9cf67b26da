// Trust anchors — the bureau keys installed in the kiosk's configuration — and the check every
// signed list passes before anything in it is read (lists.md rule 1).
import { coseToBeSignedParts, decodeCoseSign1, type CoseSign1 } from '../verify/cose.js';
import { computeKid, importSpki } from '../verify/keys.js';
import type { VerificationKey } from '../verify/types.js';
import { TrustError, messageOf } from './errors.js';
import { toHex } from './hex.js';
import { readPemBlocks } from './pem.js';

export interface TrustAnchor {
  /** First 8 bytes of SHA-256 over the anchor's SPKI. */
  readonly kid: Uint8Array;
  readonly kidHex: string;
  readonly key: VerificationKey;
}

/** A signed list opened but not yet trusted: who claims to have signed it, and with what. */
export interface ListEnvelope {
  readonly message: CoseSign1;
  readonly alg: number;
  readonly kid: Uint8Array;
  readonly kidHex: string;
  readonly payload: Uint8Array;
}

/** A list whose signature an installed anchor verified. */
export interface SignedList extends ListEnvelope {
  readonly anchor: TrustAnchor;
}

/**
 * The anchors in a PEM file: one or more `PUBLIC KEY` blocks (DER SubjectPublicKeyInfo).
 * Any other block is refused, so a certificate or — worse — a private key put there by mistake
 * is noticed at start-up rather than silently ignored.
 */
export function loadAnchors(pemText: string): TrustAnchor[] {
  const blocks = readPemBlocks(pemText);
  if (blocks.length === 0) throw new TrustError('bad_pem', 'the anchor file holds no PUBLIC KEY block');
  const anchors = new Map<string, TrustAnchor>();
  blocks.forEach((block, index) => {
    if (block.label !== 'PUBLIC KEY') {
      const hint = block.label.includes('PRIVATE') ? ' — a private key must never be installed on a kiosk' : '';
      throw new TrustError('bad_pem', `anchor block ${index + 1} is "${block.label}", expected "PUBLIC KEY"${hint}`);
    }
    let key: VerificationKey;
    try {
      key = importSpki(block.der);
    } catch (error) {
      throw new TrustError('bad_pem', `anchor block ${index + 1} is not a usable public key: ${messageOf(error)}`, {
        cause: error,
      });
    }
    const kid = computeKid(block.der);
    const kidHex = toHex(kid);
    if (!anchors.has(kidHex)) anchors.set(kidHex, { kid, kidHex, key });
  });
  return [...anchors.values()];
}

/**
 * Opens a signed list without trusting it. `alg` and `kid` must sit in the protected header:
 * unlike EU DCC codes (eid-qr.md §2), a list has no legacy issuers to accommodate, and an
 * unprotected alg or kid would let anyone steer which anchor and algorithm are tried.
 */
export function openSignedList(bytes: Uint8Array): ListEnvelope {
  let message: CoseSign1;
  try {
    message = decodeCoseSign1(bytes);
  } catch (error) {
    throw new TrustError('malformed_list', `not a COSE_Sign1 message: ${messageOf(error)}`, { cause: error });
  }
  const alg = message.protectedHeader.get(1);
  if (typeof alg !== 'number' || !Number.isInteger(alg)) {
    throw new TrustError('malformed_list', 'the protected header has no integer alg (label 1)');
  }
  const kid = message.protectedHeader.get(4);
  if (!(kid instanceof Uint8Array) || kid.byteLength !== 8) {
    throw new TrustError('malformed_list', 'the protected header has no 8-byte kid (label 4)');
  }
  const payload: unknown = message.payload;
  if (!(payload instanceof Uint8Array)) {
    throw new TrustError('malformed_list', 'the message carries no payload');
  }
  return { message, alg, kid, kidHex: toHex(kid), payload };
}

/** The anchor that verifies the envelope's signature; refuses an unknown kid or a bad signature. */
export function checkListSignature(envelope: ListEnvelope, anchors: readonly TrustAnchor[]): TrustAnchor {
  const anchor = anchors.find((candidate) => candidate.kidHex === envelope.kidHex);
  if (!anchor) {
    throw new TrustError('unknown_anchor', `signed by kid ${envelope.kidHex}, which is not an installed anchor`);
  }
  if (!anchor.key.supports(envelope.alg)) {
    throw new TrustError(
      'bad_list_signature',
      `anchor ${anchor.kidHex} (${anchor.key.family}) cannot verify COSE alg ${envelope.alg}`,
    );
  }
  if (!anchor.key.verifyParts(envelope.alg, coseToBeSignedParts(envelope.message), envelope.message.signature)) {
    throw new TrustError('bad_list_signature', `the signature does not verify with anchor ${anchor.kidHex}`);
  }
  return anchor;
}

/** Rule 1 of lists.md: a list is read only after an installed anchor verified it; otherwise it is refused whole. */
export function verifySignedList(bytes: Uint8Array, anchors: readonly TrustAnchor[]): SignedList {
  const envelope = openSignedList(bytes);
  return { ...envelope, anchor: checkListSignature(envelope, anchors) };
}
