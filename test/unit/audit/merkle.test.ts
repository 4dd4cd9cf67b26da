// The Merkle tree against the RFC 6962 reference vectors (transparency-dev/merkle's testonly
// leaves, roots, compact ranges and proofs) and properties over random trees.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_ROOT,
  MerkleFrontier,
  consistencyProof,
  inclusionProof,
  leafHash,
  nodeHash,
  rootFromInclusionProof,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from '../../../main/audit/merkle.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));

const INPUTS = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(unhex);
const LEAVES = INPUTS.map(leafHash);
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
// Complete-subtree hashes by level, and the compact range (right edge) for each size.
const NODES = [
  [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
    '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
    '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
    'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
    'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
    '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
  ],
  [
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
    'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
  ],
  ['d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'],
  ['5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'],
];
const n = (level: number, index: number): string => NODES[level]![index]!;
const COMPACT: string[][] = [
  [],
  [n(0, 0)],
  [n(1, 0)],
  [n(1, 0), n(0, 2)],
  [n(2, 0)],
  [n(2, 0), n(0, 4)],
  [n(2, 0), n(1, 2)],
  [n(2, 0), n(1, 2), n(0, 6)],
  [n(3, 0)],
];
// Inclusion proofs: leaf index (0-based), tree size, path.
const INCLUSION: [number, number, string[]][] = [
  [0, 1, []],
  [0, 8, [n(0, 1), n(1, 1), n(2, 1)]],
  [5, 8, [n(0, 4), n(1, 3), n(2, 0)]],
  [2, 3, [n(1, 0)]],
  [1, 5, [n(0, 0), n(1, 1), n(0, 4)]],
];
const CONSISTENCY: [number, number, string[]][] = [
  [1, 1, []],
  [1, 8, [n(0, 1), n(1, 1), n(2, 1)]],
  [6, 8, [n(1, 2), n(1, 3), n(2, 0)]],
  [2, 5, [n(1, 1), n(0, 4)]],
  [6, 7, [n(1, 2), n(0, 6), n(2, 0)]],
];
const root = (size: number): Uint8Array => unhex(ROOTS[size]!);
const SOME_HASH = unhex('abacaba000000000000000000000000000000000000000000060061e00123456');

function flipped(proof: readonly Uint8Array[], i: number): Uint8Array[] {
  return proof.map((p, j) => (j === i ? p.map((b, k) => (k === 0 ? b ^ 0x10 : b)) : p));
}

describe('RFC 6962 hashing', () => {
  it('the empty tree is SHA-256 of nothing; leaves and nodes carry the 0x00 and 0x01 prefixes', () => {
    expect(hex(EMPTY_ROOT)).toBe(ROOTS[0]);
    expect(hex(rootOf([]))).toBe(ROOTS[0]);
    const sha = (...parts: Uint8Array[]) => hex(createHash('sha256').update(Buffer.concat(parts)).digest());
    expect(hex(leafHash(INPUTS[3]!))).toBe(sha(new Uint8Array([0]), INPUTS[3]!));
    expect(hex(nodeHash(LEAVES[0]!, LEAVES[1]!))).toBe(sha(new Uint8Array([1]), LEAVES[0]!, LEAVES[1]!));
  });

  it('matches the reference root for every size 0..8', () => {
    for (let size = 0; size <= 8; size++) expect(hex(rootOf(LEAVES.slice(0, size))), `size ${size}`).toBe(ROOTS[size]);
  });

  it('keeps the reference compact range while appending, and resumes from its bytes', () => {
    const frontier = new MerkleFrontier();
    for (let size = 0; size <= 8; size++) {
      if (size > 0) frontier.append(LEAVES[size - 1]!);
      expect(frontier.hashes.map(hex), `size ${size}`).toEqual(COMPACT[size]);
      expect(hex(frontier.root())).toBe(ROOTS[size]);
      const resumed = MerkleFrontier.fromBytes(size, frontier.toBytes());
      expect(hex(resumed.root())).toBe(ROOTS[size]);
    }
  });

  it('refuses a serialized range that does not fit the size', () => {
    expect(() => MerkleFrontier.fromBytes(3, unhex(n(1, 0)))).toThrow(RangeError);
    expect(() => MerkleFrontier.fromBytes(1, new Uint8Array(31))).toThrow(RangeError);
  });
});

describe('inclusion proofs', () => {
  it.each(INCLUSION)('leaf %i of %i: the reference path, which verifies', (index, size, path) => {
    const proof = inclusionProof(LEAVES, index, size);
    expect(proof.map(hex)).toEqual(path);
    expect(verifyInclusion(LEAVES[index]!, index, size, proof, root(size))).toBe(true);
  });

  it.each(INCLUSION)('leaf %i of %i: every corruption of the proof is refused', (index, size, path) => {
    const proof = path.map(unhex);
    const leaf = LEAVES[index]!;
    const probes: [number, number, Uint8Array, Uint8Array, Uint8Array[]][] = [
      [index - 1, size, leaf, root(size), proof],
      [index + 1, size, leaf, root(size), proof],
      [index ^ 2, size, leaf, root(size), proof],
      [index, size * 2, leaf, root(size), proof],
      [index, Math.floor(size / 2), leaf, root(size), proof],
      [index, size, leafHash(new TextEncoder().encode('WrongLeaf')), root(size), proof],
      [index, size, leaf, EMPTY_ROOT, proof],
      [index, size, leaf, SOME_HASH, proof],
      [index, size, leaf, root(size), [...proof, root(size)]],
      [index, size, leaf, root(size), [root(size), ...proof]],
      ...proof.map((_, i): [number, number, Uint8Array, Uint8Array, Uint8Array[]] => [index, size, leaf, root(size), flipped(proof, i)]),
    ];
    if (proof.length > 0) probes.push([index, size, leaf, root(size), proof.slice(0, -1)]);
    if (proof.length > 1) probes.push([index, size, leaf, root(size), [proof[0]!, SOME_HASH, ...proof.slice(1)]]);
    for (const [i, s, l, r, p] of probes) expect(verifyInclusion(l, i, s, p, r), `index ${i} size ${s}`).toBe(false);
  });

  it('refuses hashes of the wrong length and impossible positions', () => {
    const proof = inclusionProof(LEAVES, 5, 8);
    expect(verifyInclusion(new Uint8Array(31), 5, 8, proof, root(8))).toBe(false);
    expect(verifyInclusion(LEAVES[5]!, 5, 8, proof, new Uint8Array(31))).toBe(false);
    expect(verifyInclusion(LEAVES[5]!, 8, 8, proof, root(8))).toBe(false);
    expect(verifyInclusion(LEAVES[5]!, -1, 8, proof, root(8))).toBe(false);
    expect(rootFromInclusionProof(LEAVES[0]!, 0, 0, [])).toBeUndefined();
    expect(() => inclusionProof(LEAVES, 8, 8)).toThrow(RangeError);
    expect(() => inclusionProof(LEAVES, 0, 9)).toThrow(RangeError);
  });
});

describe('consistency proofs', () => {
  it.each(CONSISTENCY)('%i to %i: the reference proof, which verifies', (first, second, expected) => {
    const proof = consistencyProof(LEAVES, first, second);
    expect(proof.map(hex)).toEqual(expected);
    expect(verifyConsistency(first, second, root(first), root(second), proof)).toBe(true);
  });

  it.each(CONSISTENCY.filter(([, , p]) => p.length > 0))('%i to %i: every corruption of the proof is refused', (first, second, path) => {
    const proof = path.map(unhex);
    const r1 = root(first);
    const r2 = root(second);
    const probes: [number, number, Uint8Array, Uint8Array, Uint8Array[]][] = [
      [first - 1, second, r1, r2, proof],
      [first + 1, second, r1, r2, proof],
      [first ^ 2, second, r1, r2, proof],
      [first, second * 2, r1, r2, proof],
      [first, Math.floor(second / 2), r1, r2, proof],
      [first, second, SOME_HASH, r2, proof],
      [first, second, r1, SOME_HASH, proof],
      [first, second, r2, r1, proof],
      [first, second, r1, r2, []],
      [first, second, r1, r2, [...proof, r1]],
      [first, second, r1, r2, [...proof, r2]],
      [first, second, r1, r2, [r1, ...proof]],
      [first, second, r1, r2, [r2, ...proof]],
      [first, second, r1, r2, [proof[0]!, ...proof]],
      [first, second, r1, r2, proof.slice(0, -1)],
      ...proof.map((_, i): [number, number, Uint8Array, Uint8Array, Uint8Array[]] => [first, second, r1, r2, flipped(proof, i)]),
    ];
    for (const [f, s, a, b, p] of probes) expect(verifyConsistency(f, s, a, b, p), `${f} to ${s}`).toBe(false);
  });

  it('handles the degenerate sizes as RFC 9162 verifiers do', () => {
    expect(verifyConsistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])).toBe(true);
    expect(verifyConsistency(0, 8, EMPTY_ROOT, root(8), [])).toBe(true);
    expect(verifyConsistency(0, 8, EMPTY_ROOT, root(8), [SOME_HASH])).toBe(false);
    expect(verifyConsistency(4, 4, root(4), root(4), [])).toBe(true);
    expect(verifyConsistency(4, 4, root(4), root(5), [])).toBe(false);
    expect(verifyConsistency(4, 4, root(4), root(4), [SOME_HASH])).toBe(false);
    expect(verifyConsistency(8, 6, root(8), root(6), consistencyProof(LEAVES, 6, 8))).toBe(false);
    expect(consistencyProof(LEAVES, 0, 8)).toEqual([]);
    expect(() => consistencyProof(LEAVES, 5, 3)).toThrow(RangeError);
  });
});

describe('properties over random trees', () => {
  const tree = (size: number, salt: number): Uint8Array[] =>
    Array.from({ length: size }, (_, i) => leafHash(new TextEncoder().encode(`${salt}/${i}`)));

  it('the incremental root equals the recursive definition at every size', () => {
    const leaves = tree(130, 7);
    const frontier = new MerkleFrontier();
    const mth = (start: number, end: number): Uint8Array => {
      if (end - start === 1) return leaves[start]!;
      let k = 1;
      while (k * 2 < end - start) k *= 2;
      return nodeHash(mth(start, start + k), mth(start + k, end));
    };
    for (let size = 1; size <= leaves.length; size++) {
      frontier.append(leaves[size - 1]!);
      expect(hex(frontier.root()), `size ${size}`).toBe(hex(mth(0, size)));
    }
  });

  it('every consistency proof between m ≤ n verifies; rewriting a leaf of the old tree breaks it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 150 }).chain((second) =>
          fc.tuple(fc.constant(second), fc.integer({ min: 0, max: second }), fc.integer({ min: 0, max: second - 1 }), fc.nat()),
        ),
        ([second, first, changed, salt]) => {
          const leaves = tree(second, salt);
          const r1 = rootOf(leaves.slice(0, first));
          const r2 = rootOf(leaves);
          expect(verifyConsistency(first, second, r1, r2, consistencyProof(leaves, first, second))).toBe(true);
          // The same log with one leaf rewritten: a leaf the old head covered can never be
          // proven consistent with it; a leaf after it is just a different continuation.
          const rewritten = leaves.map((l, i) => (i === changed ? leafHash(new Uint8Array([1, 2, 3, i])) : l));
          const forged = verifyConsistency(first, second, r1, rootOf(rewritten), consistencyProof(rewritten, first, second));
          expect(forged).toBe(changed >= first);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('every inclusion proof verifies; a modified leaf does not', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 150 }).chain((size) => fc.tuple(fc.constant(size), fc.integer({ min: 0, max: size - 1 }), fc.nat())),
        ([size, index, salt]) => {
          const leaves = tree(size, salt);
          const r = rootOf(leaves);
          const proof = inclusionProof(leaves, index, size);
          expect(verifyInclusion(leaves[index]!, index, size, proof, r)).toBe(true);
          expect(verifyInclusion(leafHash(new Uint8Array([9])), index, size, proof, r)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});
