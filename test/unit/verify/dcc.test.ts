// The HC1 profile helpers: finding the DCC in a CWT, its kind, the key-usage rule, the Subject.
import { describe, expect, it } from 'vitest';
import { decodeCbor, encodeCbor } from '../../../main/verify/cbor.js';
import { DCC_KEY_USAGE_OIDS, dccCertificateType, dccKeyUsageAllows, dccKeyUsageOk, dccSubject, readDccPayload } from '../../../main/verify/dcc.js';

/** A payload as it arrives: encoded by an issuer, decoded by the kiosk. */
function cwt(dcc: unknown, extra: [number, unknown][] = []): Map<unknown, unknown> {
  const claims = new Map<number, unknown>([[1, 'AT'], [4, 1700000000], [6, 1690000000], [-260, new Map([[1, dcc]])], ...extra]);
  return decodeCbor(encodeCbor(claims)) as Map<unknown, unknown>;
}

const vaccination = {
  ver: '1.3.0',
  nam: { fn: 'Musterfrau-Gößinger', fnt: 'MUSTERFRAU<GOESSINGER', gn: 'Gabriele', gnt: 'GABRIELE' },
  dob: '1998-02-26',
  v: [{ tg: '840539006', dn: 1, sd: 2, co: 'AT' }],
};

describe('readDccPayload', () => {
  it('finds the DCC at -260 → 1, its kind and subject', () => {
    const read = readDccPayload(cwt(vaccination));
    expect(read.problems).toEqual([]);
    expect(read.payload?.certificateType).toBe('vaccination');
    expect(read.payload?.dcc.get('dob')).toBe('1998-02-26');
    expect(read.payload?.subject).toEqual({ familyName: 'Musterfrau-Gößinger', givenName: 'Gabriele', birthDate: '1998-02-26', certificateType: 'vaccination' });
  });

  it('reports a missing or mis-shaped container as problems, without throwing', () => {
    expect(readDccPayload(new Map([[1, 'AT']])).problems[0]).toMatch(/-260/);
    expect(readDccPayload(new Map<unknown, unknown>([[-260, 'x']])).payload).toBeUndefined();
    expect(readDccPayload(new Map<unknown, unknown>([[-260, new Map([[2, {}]])]])).problems[0]).toMatch(/the DCC/);
    expect(readDccPayload(new Map<unknown, unknown>([[-260, new Map([[1, [1, 2]]])]])).payload).toBeUndefined();
    expect(readDccPayload(new Map<unknown, unknown>([[-260, new Map([[1, new Map([[7, 'x']])]])]])).problems[0]).toMatch(/not a text string/);
  });

  it('leaves the kind undefined when the DCC holds none or several of v, t, r', () => {
    const { v: _v, ...none } = vaccination;
    expect(readDccPayload(cwt(none)).payload?.certificateType).toBeUndefined();
    expect(readDccPayload(cwt({ ...vaccination, r: [{}] })).payload?.certificateType).toBeUndefined();
  });
});

describe('dccCertificateType', () => {
  it.each([
    [{ v: [] }, 'vaccination'],
    [{ t: [] }, 'test'],
    [{ r: [] }, 'recovery'],
    [{}, undefined],
    [{ v: [], t: [] }, undefined],
    [{ v: [], t: [], r: [] }, undefined],
  ])('%j → %s', (dcc, type) => {
    expect(dccCertificateType(new Map(Object.entries(dcc)))).toBe(type);
  });
});

describe('the key-usage rule (eid-qr.md §4)', () => {
  const [TEST, TEST_ALT] = DCC_KEY_USAGE_OIDS.test;
  const [VACC] = DCC_KEY_USAGE_OIDS.vaccination;
  const [, RECOVERY_ALT] = DCC_KEY_USAGE_OIDS.recovery;

  it('lets a certificate without EKU, or whose EKU names no DCC OID, sign every kind', () => {
    for (const type of ['vaccination', 'test', 'recovery'] as const) {
      expect(dccKeyUsageAllows(undefined, type)).toBe(true);
      expect(dccKeyUsageAllows([], type)).toBe(true);
      expect(dccKeyUsageAllows(['1.3.6.1.5.5.7.3.1'], type)).toBe(true);
    }
  });

  it('restricts a certificate that names DCC OIDs to those kinds, in either arc', () => {
    expect(TEST_ALT).toBe('1.3.6.1.4.1.0.1847.2021.1.1');
    expect(dccKeyUsageAllows([TEST!], 'test')).toBe(true);
    expect(dccKeyUsageAllows([TEST_ALT!], 'test')).toBe(true);
    expect(dccKeyUsageAllows([TEST!], 'vaccination')).toBe(false);
    expect(dccKeyUsageAllows([TEST_ALT!, '1.3.6.1.5.5.7.3.1'], 'recovery')).toBe(false);
    expect(dccKeyUsageAllows([VACC!, RECOVERY_ALT!], 'recovery')).toBe(true);
    expect(dccKeyUsageAllows([VACC!, RECOVERY_ALT!], 'test')).toBe(false);
    // A near miss is not a DCC OID.
    expect(dccKeyUsageAllows(['1.3.6.1.4.1.1847.2021.1.4'], 'test')).toBe(true);
  });

  it('fails without a DCC or without exactly one kind', () => {
    expect(dccKeyUsageOk(undefined, undefined)).toBe(false);
    expect(dccKeyUsageOk(undefined, readDccPayload(cwt({ v: [], t: [] })).payload)).toBe(false);
    expect(dccKeyUsageOk(undefined, readDccPayload(cwt(vaccination)).payload)).toBe(true);
    expect(dccKeyUsageOk([TEST!], readDccPayload(cwt(vaccination)).payload)).toBe(false);
  });
});

describe('dccSubject', () => {
  it('falls back to the transliterated names and keeps partial birth dates', () => {
    const subject = dccSubject(new Map<string, unknown>([['nam', new Map([['fnt', 'DOE'], ['gnt', 'JANE']])], ['dob', '1970'], ['t', []]]));
    expect(subject).toEqual({ familyName: 'DOE', givenName: 'JANE', birthDate: '1970', certificateType: 'test' });
  });

  it('leaves out fields of the wrong type or empty ones', () => {
    const subject = dccSubject(new Map<string, unknown>([['nam', new Map<string, unknown>([['fn', 42], ['gn', '']])], ['dob', 19700101]]));
    expect(subject).toEqual({});
    expect(dccSubject(new Map([['nam', 'not a map']]))).toEqual({});
  });
});
