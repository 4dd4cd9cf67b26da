// Reads PEM text (RFC 7468) into its labelled DER blocks: the format anchors and directly
// installed keys arrive in. Text between blocks is ignored, as OpenSSL does.
import { TrustError } from './errors.js';

export interface PemBlock {
  /** The label after BEGIN, e.g. `PUBLIC KEY`, `CERTIFICATE`. */
  readonly label: string;
  readonly der: Uint8Array;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END ([A-Z0-9 ]+)-----/g;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Every PEM block in `text`, in order; refuses a block whose base64 or END label is broken. */
export function readPemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(BLOCK)) {
    const [, label = '', body = '', endLabel] = match;
    if (endLabel !== label) {
      throw new TrustError('bad_pem', `PEM block "${label}" ends with "END ${endLabel ?? ''}"`);
    }
    const base64 = body.replace(/\s+/g, '');
    if (base64.length === 0 || base64.length % 4 !== 0 || !BASE64.test(base64)) {
      throw new TrustError('bad_pem', `PEM block "${label}" does not hold valid base64`);
    }
    blocks.push({ label, der: new Uint8Array(Buffer.from(base64, 'base64')) });
  }
  if (blocks.length !== text.split('-----BEGIN ').length - 1) {
    throw new TrustError('bad_pem', 'a PEM block is not closed by a matching END line');
  }
  return blocks;
}
