// The acceptance rules over a stored record: every refusal leaves the old list in force; no
// rollback, same-seq conflicts, deltas only on their base, salt changes only in full lists.
import { describe, expect, it } from 'vitest';
import { TrustError } from '../../../main/trust/errors.js';
import {
  acceptStatusList,
  acceptTrustList,
  restoreStatusList,
  restoreTrustList,
  type StatusListRecord,
  type TrustListRecord,
} from '../../../main/trust/lists.js';
import type { StatusList } from '../../../main/trust/status-list.js';
import type { TrustList } from '../../../main/trust/trust-list.js';
import { signCoseSign1 } from '../../../tools/issuer/cose.js';
import {
  signStatusDelta,
  signStatusList,
  signTrustList,
  type StatusDeltaInput,
  type StatusListInput,
  type TrustListInput,
} from '../../../tools/issuer/lists.js';
import { encodeCbor } from '../../../main/verify/cbor.js';
import { DAY, NOW, anchorsOf, flipByte, issuerKey, salt } from './fixtures.js';

const bureau = issuerKey('bureau');
const nextBureau = issuerKey('bureau-next', 'EdDSA');
const foreign = issuerKey('foreign');
const anchors = anchorsOf(bureau, nextBureau);
const alpha = issuerKey('issuer-alpha');
const beta = issuerKey('issuer-beta');

const tl = (seq: number, input: Partial<TrustListInput> = {}, key = bureau) =>
  signTrustList(key, { seq, iat: NOW, nu: NOW + DAY, keys: [{ iss: 'CN-Bureau-A', spki: alpha.spki }], ...input });

const SALT = salt(7);
const docA = { dt: 'CN-RIC', dn: '11010519491231002X' };
const docB = { dt: 'CN-RIC', dn: '110101199003074477' };
const docC = { dt: 'CN-HMT', dn: '810000199408230021' };
const sl = (seq: number, input: Partial<StatusListInput> = {}, key = bureau) =>
  signStatusList(key, { seq, iat: NOW, nu: NOW + DAY, salt: SALT, documents: [docA], ...input });
const sld = (seq: number, base: number, input: Partial<StatusDeltaInput> = {}, key = bureau) =>
  signStatusDelta(key, { seq, base, iat: NOW, nu: NOW + DAY, salt: SALT, ...input });

/** Runs an acceptance that must be refused; returns the code. The caller then checks the old list is still the one in force. */
function refusedCode(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof TrustError) return error.code;
    throw error;
  }
  throw new Error('expected a refusal, the list was accepted');
}

describe('acceptTrustList', () => {
  function inForce(seq: number): { list: TrustList; record: TrustListRecord } {
    const { list, record } = acceptTrustList(tl(seq), anchors, {});
    return { list, record };
  }

  it('accepts a first list and records its seq and bytes', () => {
    const bytes = tl(5);
    const result = acceptTrustList(bytes, anchors, {});
    expect(result.outcome).toBe('accepted');
    expect(result.list.seq).toBe(5);
    expect(result.list.findKey(alpha.kid)?.issuer).toBe('CN-Bureau-A');
    expect(result.record).toEqual({ highestSeq: 5, current: bytes });
  });

  it('accepts a newer list, signed by either installed anchor', () => {
    const old = inForce(5);
    const next = acceptTrustList(tl(6, { keys: [{ iss: 'CN-Bureau-B', spki: beta.spki }] }, nextBureau), anchors, old.record, old.list);
    expect(next.outcome).toBe('accepted');
    expect(next.list.findKey(beta.kid)).toBeDefined();
    expect(next.list.findKey(alpha.kid)).toBeUndefined();
    expect(next.record.highestSeq).toBe(6);
  });

  it('refuses, and keeps the old list in force: unsigned, foreign anchor, tampered, wrong kind, malformed', () => {
    const old = inForce(5);
    const unsigned = encodeCbor(new Map<string, unknown>([['v', 1], ['seq', 6], ['iat', NOW], ['nu', NOW], ['keys', []]]));
    const noKid = signCoseSign1(bureau, unsigned, { kidIn: 'none' });
    const cases: Array<[Uint8Array, string]> = [
      [unsigned, 'malformed_list'],
      [noKid, 'malformed_list'],
      [tl(6, {}, foreign), 'unknown_anchor'],
      [signTrustList(foreign, { seq: 6, nu: NOW, keys: [] }, { kid: bureau.kid }), 'bad_list_signature'],
      [flipByte(tl(6), tl(6).length - 1), 'bad_list_signature'],
      [sl(6), 'wrong_list_kind'],
      [tl(6, { overrides: { nu: 'soon' } }), 'malformed_list'],
    ];
    for (const [bytes, code] of cases) {
      let list = old.list;
      let record = old.record;
      expect(
        refusedCode(() => {
          ({ list, record } = acceptTrustList(bytes, anchors, record, list));
        }),
      ).toBe(code);
      expect(list).toBe(old.list);
      expect(record).toBe(old.record);
      expect(list.seq).toBe(5);
    }
  });

  it('refuses a rollback, even when the bytes of the list in force were lost', () => {
    const old = inForce(5);
    expect(refusedCode(() => acceptTrustList(tl(4), anchors, old.record, old.list))).toBe('rolled_back');
    expect(refusedCode(() => acceptTrustList(tl(4), anchors, { highestSeq: 5 }))).toBe('rolled_back');
  });

  it('treats the same seq with the same payload as no change, even signed again by the other anchor', () => {
    const old = inForce(5);
    const again = acceptTrustList(tl(5), anchors, old.record, old.list);
    expect(again.outcome).toBe('unchanged');
    expect(again.list).toBe(old.list);
    expect(again.record).toBe(old.record);
    expect(acceptTrustList(tl(5, {}, nextBureau), anchors, old.record).outcome).toBe('unchanged');
  });

  it('refuses the same seq with another payload as a conflict', () => {
    const old = inForce(5);
    const other = tl(5, { keys: [{ iss: 'CN-Bureau-B', spki: beta.spki }] });
    expect(refusedCode(() => acceptTrustList(other, anchors, old.record, old.list))).toBe('seq_conflict');
    expect(refusedCode(() => acceptTrustList(other, anchors, old.record))).toBe('seq_conflict');
  });

  it('restores the list from its record, and not once its anchor is gone', () => {
    const old = inForce(5);
    expect(restoreTrustList(old.record, anchors)?.findKey(alpha.kid)).toBeDefined();
    expect(restoreTrustList({}, anchors)).toBeUndefined();
    expect(refusedCode(() => restoreTrustList(old.record, anchorsOf(nextBureau)))).toBe('unknown_anchor');
  });
});

describe('acceptStatusList', () => {
  function inForce(seq: number, input: Partial<StatusListInput> = {}): { list: StatusList; record: StatusListRecord } {
    const { list, record } = acceptStatusList(sl(seq, input), anchors, {});
    return { list, record };
  }

  it('accepts a full list, then deltas on exactly their base', () => {
    const first = inForce(10, { documents: [docA, docB] });
    expect(first.record).toEqual({ highestSeq: 10, full: expect.any(Uint8Array), deltas: [] });
    const d11 = sld(11, 10, { add: [docC], del: [docA] });
    const second = acceptStatusList(d11, anchors, first.record, first.list);
    expect(second.outcome).toBe('accepted');
    expect(second.list.seq).toBe(11);
    expect([second.list.holds(docA.dt, docA.dn), second.list.holds(docB.dt, docB.dn), second.list.holds(docC.dt, docC.dn)]).toEqual([
      false,
      true,
      true,
    ]);
    expect(second.record.deltas).toEqual([d11]);
    expect(second.record.full).toBe(first.record.full);
    expect(first.list.holds(docA.dt, docA.dn)).toBe(true);

    const d12 = sld(12, 11, { add: [docA] });
    const third = acceptStatusList(d12, anchors, second.record, second.list);
    expect(third.record.deltas).toEqual([d11, d12]);
    expect(restoreStatusList(third.record, anchors)?.sameContent(third.list)).toBe(true);
    expect(restoreStatusList(third.record, anchors)?.seq).toBe(12);
  });

  it('refuses, and keeps the old list in force, on every refusal path', () => {
    const old = inForce(10);
    const cases: Array<[Uint8Array, string]> = [
      [encodeCbor(new Map<string, unknown>([['v', 1], ['seq', 11], ['salt', SALT]])), 'malformed_list'],
      [sl(11, {}, foreign), 'unknown_anchor'],
      [flipByte(sl(11), sl(11).length - 3), 'bad_list_signature'],
      [tl(11), 'wrong_list_kind'],
      [sl(11, { overrides: { salt: new Uint8Array(8) } }), 'malformed_list'],
      [sl(9), 'rolled_back'],
      [sld(9, 8), 'rolled_back'],
      [sl(10, { documents: [docB] }), 'seq_conflict'],
      [sld(12, 11, { add: [docB] }), 'delta_base_mismatch'],
      [sld(11, 10, { add: [docB], salt: salt(8) }), 'salt_changed'],
    ];
    for (const [bytes, code] of cases) {
      let list = old.list;
      let record = old.record;
      expect(
        refusedCode(() => {
          ({ list, record } = acceptStatusList(bytes, anchors, record, list));
        }),
        code,
      ).toBe(code);
      expect(list).toBe(old.list);
      expect(record).toBe(old.record);
      expect([list.seq, list.size, list.holds(docA.dt, docA.dn), list.holds(docB.dt, docB.dn)]).toEqual([10, 1, true, false]);
    }
  });

  it('refuses a delta when no status list is in force', () => {
    expect(refusedCode(() => acceptStatusList(sld(11, 10), anchors, {}))).toBe('delta_base_mismatch');
  });

  it('lets a full list bring a new salt, and then refuses deltas with the old one', () => {
    const old = inForce(10);
    const renewed = acceptStatusList(sl(20, { salt: salt(9), documents: [docB] }), anchors, old.record, old.list);
    expect(renewed.list.holds(docB.dt, docB.dn)).toBe(true);
    expect(renewed.list.holds(docA.dt, docA.dn)).toBe(false);
    expect(renewed.record.deltas).toEqual([]);
    expect(refusedCode(() => acceptStatusList(sld(21, 20, { add: [docA] }), anchors, renewed.record, renewed.list))).toBe(
      'salt_changed',
    );
  });

  it('treats the same seq as no change when it describes the list in force, as a full list or as a delta', () => {
    const old = inForce(10, { documents: [docA, docB] });
    const d11 = sld(11, 10, { add: [docC], del: [docA] });
    const now = acceptStatusList(d11, anchors, old.record, old.list);
    const same = (bytes: Uint8Array) => acceptStatusList(bytes, anchors, now.record, now.list);
    expect(same(d11).outcome).toBe('unchanged');
    expect(same(sl(11, { documents: [docB, docC] })).outcome).toBe('unchanged'); // the full list of seq 11
    expect(same(sl(11, { documents: [docB, docC] })).list).toBe(now.list);
    expect(same(sld(11, 9, { add: [docC] })).outcome).toBe('unchanged');
    expect(refusedCode(() => same(sl(11, { documents: [docB] })))).toBe('seq_conflict');
    expect(refusedCode(() => same(sld(11, 10, { add: [docA] })))).toBe('seq_conflict');
    // Without the list object at hand, it is restored from the record.
    expect(acceptStatusList(d11, anchors, now.record).outcome).toBe('unchanged');
  });

  it('accepts a full list of a newer seq over deltas', () => {
    const old = inForce(10);
    const withDelta = acceptStatusList(sld(11, 10, { add: [docB] }), anchors, old.record, old.list);
    const full = acceptStatusList(sl(15, { documents: [docC] }), anchors, withDelta.record, withDelta.list);
    expect(full.record).toEqual({ highestSeq: 15, full: expect.any(Uint8Array), deltas: [] });
    expect(full.list.holds(docC.dt, docC.dn)).toBe(true);
    expect(full.list.holds(docB.dt, docB.dn)).toBe(false);
  });

  it('restores nothing from an empty record, and refuses a record whose anchor is gone', () => {
    expect(restoreStatusList({}, anchors)).toBeUndefined();
    const old = inForce(10);
    expect(refusedCode(() => restoreStatusList(old.record, anchorsOf(nextBureau)))).toBe('unknown_anchor');
  });
});
