// Signed tree heads: the device's Ed25519 signature over the Merkle root of its whole log, the
// record count and a timestamp. The bureau checks each new head extends the previous one.
//
// Signed bytes (fixed layout, so any language rebuilds them without a CBOR library):
//   "verikiosk-tree-head-v1" ‖ 0x00 ‖ uint64be(size) ‖ uint64be(timestampMs) ‖ root(32) ‖ utf8(deviceId)
import { verifyDeviceSignature } from './device-key.js';
import { HASH_SIZE } from './merkle.js';

export interface SignedTreeHead {
  readonly size: number;
  readonly root: Uint8Array;
  /** The kiosk's wall clock when signed, ms since the epoch (not necessarily trusted). */
  readonly timestampMs: number;
  /** Ed25519, 64 bytes. */
  readonly signature: Uint8Array;
}

const CONTEXT = new TextEncoder().encode('verikiosk-tree-head-v1\u0000');

export function treeHeadBytes(deviceId: string, head: Omit<SignedTreeHead, 'signature'>): Uint8Array {
  if (!Number.isSafeInteger(head.size) || head.size < 0) throw new RangeError(`tree size must be a non-negative integer, got ${head.size}`);
  if (!Number.isSafeInteger(head.timestampMs) || head.timestampMs < 0) {
    throw new RangeError(`timestamp must be a non-negative integer, got ${head.timestampMs}`);
  }
  if (head.root.length !== HASH_SIZE) throw new RangeError('a tree root is 32 bytes');
  const device = new TextEncoder().encode(deviceId);
  const out = new Uint8Array(CONTEXT.length + 16 + HASH_SIZE + device.length);
  const view = new DataView(out.buffer);
  out.set(CONTEXT, 0);
  view.setBigUint64(CONTEXT.length, BigInt(head.size));
  view.setBigUint64(CONTEXT.length + 8, BigInt(head.timestampMs));
  out.set(head.root, CONTEXT.length + 16);
  out.set(device, CONTEXT.length + 16 + HASH_SIZE);
  return out;
}

/** True when `head` is signed by `publicKey` (raw Ed25519) for `deviceId`. */
export function verifyTreeHead(head: SignedTreeHead, deviceId: string, publicKey: Uint8Array): boolean {
  let bytes: Uint8Array;
  try {
    bytes = treeHeadBytes(deviceId, head);
  } catch {
    return false;
  }
  return verifyDeviceSignature(publicKey, bytes, head.signature);
}
