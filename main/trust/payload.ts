// Typed reading of a list payload (a CBOR map with text keys, lists.md): every known key is
// checked for its type, unknown keys are ignored, and any breach refuses the list as malformed.
import { decodeCbor } from '../verify/cbor.js';
import { TrustError, messageOf } from './errors.js';

export type ListKind = 'TL1' | 'SL1';

export type PayloadMap = ReadonlyMap<unknown, unknown>;

export function decodePayload(payload: Uint8Array): PayloadMap {
  let value: unknown;
  try {
    value = decodeCbor(payload);
  } catch (error) {
    throw new TrustError('malformed_list', `the payload is not valid CBOR: ${messageOf(error)}`, { cause: error });
  }
  if (!(value instanceof Map)) throw new TrustError('malformed_list', 'the payload is not a CBOR map');
  return value;
}

/** TL1 carries `keys`, SL1 carries `salt`; a payload with both or neither is no list at all. */
export function listKindOf(map: PayloadMap): ListKind {
  const isTrust = map.has('keys');
  const isStatus = map.has('salt');
  if (isTrust && !isStatus) return 'TL1';
  if (isStatus && !isTrust) return 'SL1';
  throw new TrustError('malformed_list', 'the payload is neither a trust list (keys) nor a status list (salt)');
}

/** Refuses a payload of the other kind, and a version this kiosk does not read. */
export function expectKind(map: PayloadMap, kind: ListKind): void {
  const found = listKindOf(map);
  if (found !== kind) {
    throw new TrustError('wrong_list_kind', `expected a ${kind === 'TL1' ? 'trust' : 'status'} list (${kind}), got ${found}`);
  }
  const version = uint(map, 'v', 'the list');
  if (version !== 1) throw new TrustError('malformed_list', `list version ${version} is not supported (this kiosk reads 1)`);
}

function malformed(where: string, key: string, expected: string): TrustError {
  return new TrustError('malformed_list', `${where}: "${key}" must be ${expected}`);
}

export function optionalUint(map: PayloadMap, key: string, where: string): number | undefined {
  const value = map.get(key);
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw malformed(where, key, 'an unsigned integer');
  }
  return value;
}

export function uint(map: PayloadMap, key: string, where: string): number {
  const value = optionalUint(map, key, where);
  if (value === undefined) throw malformed(where, key, 'present (unsigned integer)');
  return value;
}

export function optionalInt(map: PayloadMap, key: string, where: string): number | undefined {
  const value = map.get(key);
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw malformed(where, key, 'an integer');
  return value;
}

export function int(map: PayloadMap, key: string, where: string): number {
  const value = optionalInt(map, key, where);
  if (value === undefined) throw malformed(where, key, 'present (integer)');
  return value;
}

export function optionalBytes(map: PayloadMap, key: string, where: string): Uint8Array | undefined {
  const value = map.get(key);
  if (value === undefined) return undefined;
  if (!(value instanceof Uint8Array)) throw malformed(where, key, 'a byte string');
  return value;
}

export function bytes(map: PayloadMap, key: string, where: string, length?: number): Uint8Array {
  const value = optionalBytes(map, key, where);
  if (value === undefined) throw malformed(where, key, 'present (byte string)');
  if (length !== undefined && value.byteLength !== length) throw malformed(where, key, `${length} bytes long`);
  return value;
}

export function text(map: PayloadMap, key: string, where: string): string {
  const value = map.get(key);
  if (typeof value !== 'string') throw malformed(where, key, 'a text string');
  return value;
}

export function optionalTextArray(map: PayloadMap, key: string, where: string): string[] | undefined {
  const value = map.get(key);
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) {
    throw malformed(where, key, 'an array of text strings');
  }
  return value;
}
