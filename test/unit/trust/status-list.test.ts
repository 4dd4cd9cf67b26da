// SL1: entries and look-ups, order checks, malformed payloads, and deltas checked against a full
// list rebuilt from the same sets (fast-check).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StatusList, parseStatusList, statusEntry } from '../../../main/trust/status-list.js';
import { encodeCbor } from '../../../main/verify/cbor.js';
import {
  statusDeltaPayload,
  statusEntry as issuerStatusEntry,
  statusListPayload,
  trustListPayload,
  type StatusDeltaInput,
  type StatusListInput,
} from '../../../tools/issuer/lists.js';
import { DAY, NOW, salt, refusal } from './fixtures.js';

const SALT = salt(0x5a);

function full(input: Partial<StatusListInput> & { seq: number }): StatusList {
  return StatusList.fromFull(parseStatusList(encodeCbor(statusListPayload({ iat: NOW, nu: NOW + DAY, salt: SALT, ...input }))));
}

function delta(input: Partial<StatusDeltaInput> & { seq: number; base: number }) {
  return parseStatusList(encodeCbor(statusDeltaPayload({ iat: NOW + 10, nu: NOW + 2 * DAY, salt: SALT, ...input })));
}

/** Concatenated 8-byte big-endian entries for the given 64-bit values, in the order given. */
function run(values: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((value, i) => view.setBigUint64(i * 8, value));
  return out;
}

const entryOf = (value: bigint) => run([value]);

describe('StatusList', () => {
  const documents = [
    { dt: 'CN-RIC', dn: '11010519491231002X' },
    { dt: 'CN-FPR', dn: 'USA123456789012' },
    { dt: 'CN-HMT', dn: '810000199408230021' },
  ];

  it('holds exactly the documents it lists, whatever the case of the x', () => {
    const list = full({ seq: 3, documents });
    expect(list.size).toBe(3);
    expect([list.seq, list.iat, list.nu, list.nextUpdate]).toEqual([3, NOW, NOW + DAY, NOW + DAY]);
    for (const { dt, dn } of documents) expect(list.holds(dt, dn)).toBe(true);
    expect(list.holds('CN-RIC', '11010519491231002x')).toBe(true);
    expect(list.holds('CN-HMT', '11010519491231002X')).toBe(false); // same number, other document type
    expect(list.holds('CN-RIC', '110105194912310021')).toBe(false);
    expect(list.holds('CN-FPR', 'usa123456789012')).toBe(false); // only x is upper-cased
  });

  it('computes the entry as lists.md and the issuer toolkit do', () => {
    const entry = statusEntry(SALT, 'CN-RIC', '11010519491231002x');
    expect(entry).toHaveLength(8);
    expect(Buffer.from(entry)).toEqual(Buffer.from(issuerStatusEntry(SALT, 'CN-RIC', '11010519491231002X')));
    const salted = statusEntry(salt(1), 'CN-RIC', '11010519491231002X');
    expect(Buffer.from(salted)).not.toEqual(Buffer.from(entry));
  });

  it('holds nothing when empty, and finds the first and last of many entries', () => {
    expect(full({ seq: 1 }).holds('CN-RIC', '11010519491231002X')).toBe(false);
    const values = Array.from({ length: 1000 }, (_, i) => BigInt(i) * 0x0123_4567_89ab_cdn + 7n);
    const list = full({ seq: 1, entries: run(values), presorted: true });
    expect(list.holdsEntry(entryOf(values[0]!))).toBe(true);
    expect(list.holdsEntry(entryOf(values[999]!))).toBe(true);
    expect(list.holdsEntry(entryOf(0n))).toBe(false);
    expect(list.holdsEntry(entryOf(values[500]! + 1n))).toBe(false);
    expect(list.holdsEntry(entryOf(2n ** 64n - 1n))).toBe(false);
  });

  it('refuses entries out of order, duplicated or not whole', () => {
    const code = (input: StatusListInput) => refusal(() => parseStatusList(encodeCbor(statusListPayload(input)))).code;
    const common = { seq: 1, iat: NOW, nu: NOW + DAY, salt: SALT, presorted: true };
    expect(code({ ...common, entries: run([5n, 3n]) })).toBe('malformed_list');
    expect(code({ ...common, entries: run([3n, 3n]) })).toBe('malformed_list');
    expect(code({ ...common, entries: run([1n << 40n, 1n]) })).toBe('malformed_list'); // high halves decide
    expect(code({ ...common, entries: new Uint8Array(12) })).toBe('malformed_list');
  });

  const malformed: Array<[string, Record<string, unknown>]> = [
    ['salt of 15 bytes', { salt: new Uint8Array(15) }],
    ['salt missing', { salt: undefined }],
    ['add text', { add: 'abc' }],
    ['seq missing', { seq: undefined }],
    ['nu text', { nu: 'tomorrow' }],
    ['a full list with del', { del: new Uint8Array(0) }],
    ['v 2', { v: 2 }],
  ];
  it.each(malformed)('refuses a full list with %s', (_name, overrides) => {
    const payload = encodeCbor(statusListPayload({ seq: 1, iat: NOW, nu: NOW + DAY, salt: SALT, overrides }));
    expect(refusal(() => parseStatusList(payload)).code).toBe('malformed_list');
  });

  it('refuses malformed deltas: base not below seq, del out of order, an entry both added and removed', () => {
    const payload = (input: Partial<StatusDeltaInput>) =>
      encodeCbor(statusDeltaPayload({ seq: 5, base: 4, nu: NOW, salt: SALT, presorted: true, ...input }));
    expect(refusal(() => parseStatusList(payload({ base: 5 }))).code).toBe('malformed_list');
    expect(refusal(() => parseStatusList(payload({ del: run([9n, 2n]) }))).code).toBe('malformed_list');
    expect(refusal(() => parseStatusList(payload({ add: run([1n, 4n]), del: run([2n, 4n]) }))).code).toBe('malformed_list');
    expect(parseStatusList(payload({ add: run([1n, 4n]), del: run([2n, 3n]) })).kind).toBe('delta');
  });

  it('refuses a trust list payload', () => {
    const tl = encodeCbor(trustListPayload({ seq: 1, iat: NOW, nu: NOW, keys: [] }));
    expect(refusal(() => parseStatusList(tl)).code).toBe('wrong_list_kind');
  });

  it('applies a delta into a new list and leaves the one in force untouched', () => {
    const before = full({ seq: 3, documents });
    const after = before.applyDelta(
      delta({ seq: 4, base: 3, add: [{ dt: 'CN-RIC', dn: '110101199003074477' }], del: [documents[0]!] }),
    );
    expect([after.seq, after.iat, after.nu]).toEqual([4, NOW + 10, NOW + 2 * DAY]);
    expect(after.holds('CN-RIC', '110101199003074477')).toBe(true);
    expect(after.holds(documents[0]!.dt, documents[0]!.dn)).toBe(false);
    expect(after.holds(documents[1]!.dt, documents[1]!.dn)).toBe(true);
    expect(before.seq).toBe(3);
    expect(before.size).toBe(3);
    expect(before.holds(documents[0]!.dt, documents[0]!.dn)).toBe(true);
    expect(before.holds('CN-RIC', '110101199003074477')).toBe(false);
  });

  it('refuses a delta on another base, with another salt, or a full list as a delta', () => {
    const list = full({ seq: 3, documents });
    const wrongBase = refusal(() => list.applyDelta(delta({ seq: 5, base: 4 })));
    expect(wrongBase.code).toBe('delta_base_mismatch');
    expect(wrongBase.message).toMatch(/fetch the full list/);
    expect(refusal(() => list.applyDelta(delta({ seq: 4, base: 3, salt: salt(1) }))).code).toBe('salt_changed');
    expect(refusal(() => list.applyDelta(parseStatusList(encodeCbor(statusListPayload({ seq: 4, nu: NOW, salt: SALT })))))
      .code).toBe('malformed_list');
    expect(refusal(() => StatusList.fromFull(delta({ seq: 4, base: 3 }))).code).toBe('malformed_list');
  });

  it('compares content and tells whether a delta describes no change', () => {
    const list = full({ seq: 3, documents });
    expect(list.sameContent(full({ seq: 3, documents: [...documents].reverse() }))).toBe(true);
    expect(list.sameContent(full({ seq: 3, documents: documents.slice(1) }))).toBe(false);
    expect(list.sameContent(full({ seq: 3, documents, salt: salt(1) }))).toBe(false);
    expect(list.agreesWith(delta({ seq: 3, base: 2, add: [documents[0]!], del: [{ dt: 'CN-RIC', dn: '1' }] }))).toBe(true);
    expect(list.agreesWith(delta({ seq: 3, base: 2, del: [documents[0]!] }))).toBe(false);
    expect(list.agreesWith(delta({ seq: 3, base: 2, add: [{ dt: 'CN-RIC', dn: '1' }] }))).toBe(false);
  });
});

describe('delta application against a rebuilt full list', () => {
  const value = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
  // Small values too, so that additions and removals often hit existing entries and neighbours.
  const entry = fc.oneof(value, fc.bigInt({ min: 0n, max: 64n }), fc.constantFrom(0n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 64n - 1n));
  const sorted = (set: Iterable<bigint>) => [...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const listOf = (seq: number, set: Set<bigint>) => full({ seq, entries: run(sorted(set)), presorted: true });

  it('one delta: (base ∖ del) ∪ add, even when additions are already held or removals absent', () => {
    fc.assert(
      fc.property(fc.uniqueArray(entry, { maxLength: 200 }), fc.uniqueArray(entry, { maxLength: 60 }), fc.uniqueArray(entry, { maxLength: 60 }), (baseValues, addValues, delCandidates) => {
        const add = new Set(addValues);
        const del = new Set(delCandidates.filter((v) => !add.has(v)));
        const base = new Set(baseValues);
        const expected = new Set([...base].filter((v) => !del.has(v)).concat([...add]));
        const applied = listOf(1, base).applyDelta(
          delta({ seq: 2, base: 1, add: run(sorted(add)), del: run(sorted(del)), presorted: true }),
        );
        const rebuilt = listOf(2, expected);
        expect(applied.size).toBe(expected.size);
        expect(applied.sameContent(rebuilt)).toBe(true);
        for (const v of [...add, ...del, ...base]) expect(applied.holdsEntry(entryOf(v))).toBe(expected.has(v));
      }),
      { numRuns: 300 },
    );
  });

  it('a chain of deltas at once equals applying them one by one', () => {
    const step = fc.record({ add: fc.uniqueArray(entry, { maxLength: 30 }), del: fc.uniqueArray(entry, { maxLength: 30 }) });
    fc.assert(
      fc.property(fc.uniqueArray(entry, { maxLength: 150 }), fc.array(step, { minLength: 1, maxLength: 6 }), (baseValues, steps) => {
        const start = listOf(10, new Set(baseValues));
        const expected = new Set(baseValues);
        const deltas = steps.map((change, i) => {
          const add = new Set(change.add);
          const del = new Set(change.del.filter((v) => !add.has(v)));
          for (const v of del) expected.delete(v);
          for (const v of add) expected.add(v);
          return delta({ seq: 11 + i, base: 10 + i, add: run(sorted(add)), del: run(sorted(del)), presorted: true });
        });
        const oneByOne = deltas.reduce((list, d) => list.applyDelta(d), start);
        const atOnce = start.applyDeltas(deltas);
        const rebuilt = listOf(10 + steps.length, expected);
        expect(oneByOne.sameContent(rebuilt)).toBe(true);
        expect(atOnce.sameContent(rebuilt)).toBe(true);
        expect(atOnce.seq).toBe(10 + steps.length);
      }),
      { numRuns: 200 },
    );
  });
});
