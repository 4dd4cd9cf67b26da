// Cards read by the card reader: number, validity, the status list under the card's document
// type, list freshness and the clock — on a real signed status list.
import { describe, expect, it } from 'vitest';
import { loadAnchors } from '../../../main/trust/anchors.js';
import { acceptStatusList } from '../../../main/trust/lists.js';
import { CARD_DOCUMENT_TYPE, verifyCardRecord, type CardFields } from '../../../main/verify/card.js';
import type { VerifyContext } from '../../../main/verify/types.js';
import { citizenIdNumber, generateIssuerKey, signStatusList } from '../../../tools/issuer/index.js';

const NOW = 1_750_000_000; // 2025-06-15, 23:06 in Beijing
const DAY = 86_400;
const anchorKey = generateIssuerKey('ES256');
const anchors = loadAnchors(anchorKey.publicKeyPem());

const resident: CardFields = {
  kind: 'resident',
  idNumber: citizenIdNumber('110101', '1990-03-07', 123),
  name: '李小明',
  birthDate: '1990-03-07',
  validFrom: '2020-01-01',
  validTo: '2040-01-01',
  sex: 1,
  address: '北京市东城区示例胡同1号',
  authority: '北京市公安局东城分局',
  flags: [],
};
const hmt: CardFields = { ...resident, kind: 'hk_macao_taiwan', idNumber: citizenIdNumber('810000', '1985-06-15', 3), birthDate: '1985-06-15' };
const fpr2017: CardFields = { ...resident, kind: 'foreign_permanent_2017', idNumber: 'USA110085010112', name: '约翰', latinName: 'SAMPLE, JOHN', birthDate: '1985-01-01', nationality: 'USA' };
const fpr2023: CardFields = { ...resident, kind: 'foreign_permanent_2023', idNumber: citizenIdNumber('911724', '1990-02-02', 0), birthDate: '1990-02-02' };

const statusList = (nu: number, documents: { dt: string; dn: string }[]) =>
  acceptStatusList(signStatusList(anchorKey, { seq: 1, iat: NOW - DAY, nu, salt: new Uint8Array(16).fill(9), documents }), anchors, {}).list;
const status = statusList(NOW + 7 * DAY, [
  { dt: 'CN-HMT', dn: hmt.idNumber },
  { dt: 'CN-FPR', dn: fpr2017.idNumber },
]);
const ctx = (extra: Partial<VerifyContext> = {}): VerifyContext => ({ now: NOW, clockTrusted: true, trust: { findKey: () => undefined }, status, ...extra });

describe('verifyCardRecord', () => {
  it('accepts clean cards of every kind and fills the subject', () => {
    for (const card of [resident, fpr2023]) expect(verifyCardRecord(card, ctx())).toMatchObject({ result: 'valid', reasons: [] });
    const verdict = verifyCardRecord(resident, ctx());
    expect(verdict.subject).toEqual({
      documentType: 'CN-RIC',
      documentNumber: resident.idNumber,
      name: resident.name,
      birthDate: '1990-03-07',
      validFrom: '2020-01-01',
      validTo: '2040-01-01',
      sex: 1,
      address: resident.address,
      authority: resident.authority,
    });
    expect(verdict.format).toBeUndefined();
  });

  it('maps card kinds to the status list’s document types', () => {
    expect(CARD_DOCUMENT_TYPE).toEqual({ resident: 'CN-RIC', hk_macao_taiwan: 'CN-HMT', foreign_permanent_2017: 'CN-FPR', foreign_permanent_2023: 'CN-FPR' });
    expect(verifyCardRecord(hmt, ctx())).toMatchObject({ result: 'invalid', reasons: ['revoked'] });
    expect(verifyCardRecord(fpr2017, ctx())).toMatchObject({ result: 'invalid', reasons: ['revoked'] });
    // The same number under another type is another document.
    expect(verifyCardRecord({ ...hmt, kind: 'resident' }, ctx())).toMatchObject({ result: 'valid' });
  });

  it('finds a revoked number whatever the case of its x', () => {
    const withX = { ...resident, idNumber: '11010519491231002X', birthDate: '1949-12-31' };
    const revoked = statusList(NOW + DAY, [{ dt: 'CN-RIC', dn: '11010519491231002X' }]);
    expect(verifyCardRecord({ ...withX, idNumber: '11010519491231002x' }, ctx({ status: revoked }))).toMatchObject({ reasons: ['revoked'] });
  });

  it('refuses a bad number: driver flags, a wrong check character, a birth date that disagrees', () => {
    expect(verifyCardRecord({ ...resident, flags: [{ field: 'idNumber', code: 'bad_check_character' }] }, ctx()).reasons).toEqual(['bad_document_number']);
    const wrongCheck = resident.idNumber.slice(0, 17) + (resident.idNumber.endsWith('1') ? '2' : '1');
    expect(verifyCardRecord({ ...resident, idNumber: wrongCheck }, ctx()).reasons).toEqual(['bad_document_number']);
    expect(verifyCardRecord({ ...resident, birthDate: '1990-03-08' }, ctx()).reasons).toEqual(['bad_document_number']);
    expect(verifyCardRecord({ ...resident, flags: [{ field: 'birthDate', code: 'bad_date' }] }, ctx()).reasons).toEqual(['bad_document_number']);
    expect(verifyCardRecord({ ...fpr2017, idNumber: 'US1110085010112' }, ctx()).reasons).toContain('bad_document_number');
  });

  it('checks validity in China’s calendar: not yet valid, expired, long-term, unreadable dates', () => {
    expect(verifyCardRecord({ ...resident, validFrom: '2025-06-16' }, ctx()).reasons).toEqual(['document_expired']);
    // 23:06 in Beijing on 2025-06-15: valid through that day.
    expect(verifyCardRecord({ ...resident, validTo: '2025-06-15' }, ctx()).reasons).toEqual([]);
    expect(verifyCardRecord({ ...resident, validTo: '2025-06-14' }, ctx()).reasons).toEqual(['document_expired']);
    expect(verifyCardRecord({ ...resident, validTo: '2025-06-15' }, ctx({ now: NOW + 3600 })).reasons).toEqual(['document_expired']);
    expect(verifyCardRecord({ ...resident, validTo: null }, ctx()).reasons).toEqual([]);
    expect(verifyCardRecord({ ...resident, validTo: '2040013', flags: [{ field: 'validTo', code: 'bad_date' }] }, ctx()).reasons).toEqual(['document_expired']);
  });

  it('cannot validate on a stale or missing status list, or an untrusted clock — and lists every reason', () => {
    const stale = statusList(NOW - 4 * DAY, [{ dt: 'CN-HMT', dn: hmt.idNumber }]);
    expect(verifyCardRecord(resident, ctx({ status: stale }))).toMatchObject({ result: 'cannot_validate', reasons: ['stale_status_list'] });
    expect(verifyCardRecord(resident, ctx({ status: stale, policy: { listGraceSeconds: 5 * DAY } }))).toMatchObject({ result: 'valid' });
    const { status: _none, ...withoutStatus } = ctx();
    expect(verifyCardRecord(resident, withoutStatus)).toMatchObject({ result: 'cannot_validate', reasons: ['stale_status_list'] });
    expect(verifyCardRecord(resident, ctx({ clockTrusted: false }))).toMatchObject({ result: 'cannot_validate', reasons: ['clock_unsynced'] });
    expect(verifyCardRecord(hmt, ctx({ status: stale, clockTrusted: false }))).toMatchObject({ result: 'invalid', reasons: ['revoked', 'stale_status_list', 'clock_unsynced'] });
  });
});
