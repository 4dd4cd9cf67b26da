// The RFC 6962 / RFC 9162 Merkle tree over audit records: leaf and node hashes, the compact
// range that keeps the root up to date per append, and inclusion and consistency proofs.
import { hash } from 'node:crypto';

export const HASH_SIZE = 32;

/** Where sha256 lays its parts end to end (declared before EMPTY_ROOT, which uses it). */
let scratch = Buffer.allocUnsafe(1024);

/** MTH({}) = SHA-256 of the empty string (RFC 9162 §2.1.1). */
export const EMPTY_ROOT: Uint8Array = sha256(new Uint8Array(0));

const LEAF_PREFIX = new Uint8Array([0x00]);
const NODE_PREFIX = new Uint8Array([0x01]);

/**
 * SHA-256 over the parts laid end to end. One-shot `crypto.hash` over a scratch copy: a
 * createHash object per call costs several times the hashing itself in collector work (each
 * Hash holds a native handle the young-generation collector must track). The copy is wiped
 * after use: the pseudonym HMAC hashes document numbers through here.
 */
export function sha256(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  if (length > scratch.length) scratch = Buffer.allocUnsafe(Math.max(length, scratch.length * 2));
  let at = 0;
  for (const part of parts) {
    scratch.set(part, at);
    at += part.length;
  }
  const digest = hash('sha256', scratch.subarray(0, length), 'buffer');
  scratch.fill(0, 0, length);
  if (scratch.length > 64 * 1024) scratch = Buffer.allocUnsafe(1024);
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength);
}

/** SHA-256(0x00 ‖ data). */
export function leafHash(data: Uint8Array): Uint8Array {
  return sha256(LEAF_PREFIX, data);
}

/** SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(NODE_PREFIX, left, right);
}

export function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

// Sizes go up to 2^53: JavaScript's bit operators work on 32 bits, so halving is arithmetic.
const half = (n: number): number => Math.floor(n / 2);
const odd = (n: number): boolean => n % 2 === 1;

/** The largest power of two smaller than n (n > 1): RFC 6962's split point. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

/**
 * The right edge of a tree: the roots of its perfect subtrees, largest first, one per set bit
 * of the size. Appending a leaf merges equal-sized subtrees, so an append costs O(log n) hashes
 * and the root O(log n), never a pass over the log.
 */
export class MerkleFrontier {
  #size: number;
  readonly #hashes: Uint8Array[];

  constructor(size = 0, hashes: readonly Uint8Array[] = []) {
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`tree size must be a non-negative integer, got ${size}`);
    if (hashes.length !== bitCount(size)) {
      throw new RangeError(`a tree of ${size} leaves has ${bitCount(size)} right-edge hashes, not ${hashes.length}`);
    }
    for (const h of hashes) if (h.length !== HASH_SIZE) throw new RangeError('right-edge hashes are 32 bytes');
    this.#size = size;
    this.#hashes = [...hashes];
  }

  /** A frontier from its serialized form (`toBytes`). */
  static fromBytes(size: number, bytes: Uint8Array): MerkleFrontier {
    if (bytes.length % HASH_SIZE !== 0) throw new RangeError('a serialized frontier is a whole number of 32-byte hashes');
    const hashes: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += HASH_SIZE) hashes.push(bytes.slice(i, i + HASH_SIZE));
    return new MerkleFrontier(size, hashes);
  }

  static of(leaves: readonly Uint8Array[]): MerkleFrontier {
    const frontier = new MerkleFrontier();
    for (const leaf of leaves) frontier.append(leaf);
    return frontier;
  }

  get size(): number {
    return this.#size;
  }

  /** The right-edge subtree roots, largest subtree first. */
  get hashes(): readonly Uint8Array[] {
    return this.#hashes;
  }

  append(leaf: Uint8Array): void {
    if (leaf.length !== HASH_SIZE) throw new RangeError('a leaf hash is 32 bytes');
    let right = leaf;
    // Each trailing 1-bit of the old size is a subtree as large as the one being carried.
    for (let s = this.#size; odd(s); s = half(s)) right = nodeHash(this.#hashes.pop()!, right);
    this.#hashes.push(right);
    this.#size += 1;
  }

  /** MTH of the leaves so far: the right edge folded from the right (RFC 9162 §2.1.1). */
  root(): Uint8Array {
    if (this.#hashes.length === 0) return EMPTY_ROOT;
    let root = this.#hashes[this.#hashes.length - 1]!;
    for (let i = this.#hashes.length - 2; i >= 0; i--) root = nodeHash(this.#hashes[i]!, root);
    return root;
  }

  toBytes(): Uint8Array {
    const out = new Uint8Array(this.#hashes.length * HASH_SIZE);
    this.#hashes.forEach((h, i) => out.set(h, i * HASH_SIZE));
    return out;
  }

  clone(): MerkleFrontier {
    return new MerkleFrontier(this.#size, this.#hashes);
  }
}

function bitCount(n: number): number {
  let count = 0;
  for (let s = n; s > 0; s = half(s)) if (odd(s)) count++;
  return count;
}

/** MTH(D[n]) over leaf hashes. */
export function rootOf(leaves: readonly Uint8Array[]): Uint8Array {
  return MerkleFrontier.of(leaves).root();
}

/** MTH of leaves[start, end) (end > start). */
function subtreeRoot(leaves: readonly Uint8Array[], start: number, end: number): Uint8Array {
  if (end - start === 1) return leaves[start]!;
  const k = splitPoint(end - start);
  return nodeHash(subtreeRoot(leaves, start, start + k), subtreeRoot(leaves, start + k, end));
}

function checkLeaves(leaves: readonly Uint8Array[], size: number): void {
  if (!Number.isSafeInteger(size) || size < 0 || size > leaves.length) {
    throw new RangeError(`tree size ${size} is outside the ${leaves.length} leaves given`);
  }
}

/** PATH(index, D[size]) of RFC 6962 §2.1.1 (RFC 9162 §2.1.3.1): the audit path of one leaf. */
export function inclusionProof(leaves: readonly Uint8Array[], index: number, size: number): Uint8Array[] {
  checkLeaves(leaves, size);
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
    throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
  }
  const path: Uint8Array[] = [];
  // Walk down from the root; siblings are collected top-down and returned bottom-up.
  let start = 0;
  let end = size;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (index < start + k) {
      path.push(subtreeRoot(leaves, start + k, end));
      end = start + k;
    } else {
      path.push(subtreeRoot(leaves, start, start + k));
      start += k;
    }
  }
  return path.reverse();
}

/**
 * PROOF(first, D[second]) of RFC 6962 §2.1.2 (RFC 9162 §2.1.4.1): the hashes that show the
 * tree of `second` leaves extends the tree of `first`. Empty when first is 0 or equals second.
 */
export function consistencyProof(leaves: readonly Uint8Array[], first: number, second: number): Uint8Array[] {
  checkLeaves(leaves, second);
  if (!Number.isSafeInteger(first) || first < 0 || first > second) {
    throw new RangeError(`no consistency proof from ${first} to ${second} leaves`);
  }
  if (first === 0 || first === second) return [];
  const proof: Uint8Array[] = [];
  // SUBPROOF(m, D[start:end], b), unrolled: each step descends into one half.
  let m = first;
  let start = 0;
  let end = second;
  let whole = true;
  while (m !== end - start) {
    const k = splitPoint(end - start);
    if (m <= k) {
      proof.push(subtreeRoot(leaves, start + k, end));
      end = start + k;
    } else {
      proof.push(subtreeRoot(leaves, start, start + k));
      start += k;
      m -= k;
      whole = false;
    }
  }
  if (!whole) proof.push(subtreeRoot(leaves, start, end));
  return proof.reverse();
}

/** The root an inclusion proof leads to, or undefined when the proof cannot be for that index and size (RFC 9162 §2.1.3.2). */
export function rootFromInclusionProof(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
): Uint8Array | undefined {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return undefined;
  if (leaf.length !== HASH_SIZE || proof.some((p) => p.length !== HASH_SIZE)) return undefined;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return undefined;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : undefined;
}

export function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  const computed = rootFromInclusionProof(leaf, index, size, proof);
  return computed !== undefined && root.length === HASH_SIZE && sameHash(computed, root);
}

/**
 * True when `proof` shows the tree of `second` leaves with root `secondRoot` extends the tree of
 * `first` leaves with root `firstRoot` (RFC 9162 §2.1.4.2). Equal sizes need equal roots and an
 * empty proof; size 0 is extended by any tree, with an empty proof.
 */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second) return false;
  if (firstRoot.length !== HASH_SIZE || secondRoot.length !== HASH_SIZE || proof.some((p) => p.length !== HASH_SIZE)) {
    return false;
  }
  if (first === second) return proof.length === 0 && sameHash(firstRoot, secondRoot);
  if (first === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && sameHash(fr, firstRoot) && sameHash(sr, secondRoot);
}
