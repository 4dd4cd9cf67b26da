// The HC1 profile helpers: finding the DCC in a CWT, its kind, the key-usage rule, the Subject.
import { describe, expect, it } from 'vitest';
import { decodeCbor, encodeCbor } from '../../../main/verify/cbor.js';
import { DCC_KEY_USAGE_OIDS, dccCertificateType, dccKeyUsageAllows, dccKeyUsageOk, dccSubject, readDccPayload } from '../../../main/verify/dcc.js';
import { dccSchemaProblems } from '../../../main/verify/dcc-schema.js';

/** A payload as it arrives: encoded by an issuer, decoded by the kiosk. */
function cwt(dcc: unknown, extra: [number, unknown][] = []): Map<unknown, unknown> {
  const claims = new Map<number, unknown>([[1, 'AT'], [4, 1700000000], [6, 1690000000], [-260, new Map([[1, dcc]])], ...extra]);
  return decodeCbor(encodeCbor(claims)) as Map<unknown, unknown>;
}

const vaccination = {
  ver: '1.3.0',
  nam: { fn: 'Musterfrau-Gößinger', fnt: 'MUSTERFRAU<GOESSINGER', gn: 'Gabriele', gnt: 'GABRIELE' },
  dob: '1998-02-26',
  v: [
    {
      tg: '840539006',
      vp: '1119349007',
      mp: 'EU/1/20/1528',
      ma: 'ORG-100030215',
      dn: 1,
      sd: 2,
      dt: '2021-02-18',
      co: 'AT',
      is: 'Ministry of Health, Austria',
      ci: 'URN:UVCI:01:AT:10807843F94AEE0EE5093FBC254BD813#B',
    },
  ],
};
const test = {
  tg: '840539006',
  tt: 'LP6464-4',
  sc: '2021-02-20T12:34:56Z',
  tr: '260415000',
  co: 'AT',
  is: 'Ministry of Health, Austria',
  ci: 'URN:UVCI:01:AT:B5921A35D6A0D696421B3E2462178297#I',
};
const recovery = {
  tg: '840539006',
  fr: '2021-02-20',
  co: 'AT',
  is: 'Ministry of Health, Austria',
  df: '2021-04-04',
  du: '2021-10-04',
  ci: 'URN:UVCI:01:AT:858CC18CFCF5965EF82F60E493349AA5#K',
};

/** The DCC as the kiosk reads it (text-keyed Maps); members set to undefined are left out, as JSON leaves them. */
const asRead = (dcc: unknown) => decodeCbor(encodeCbor(JSON.parse(JSON.stringify(dcc)))) as ReadonlyMap<string, unknown>;

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

describe('the DCC schema rules (dccSchemaProblems)', () => {
  const { v: _v, ...person } = vaccination;
  const v0 = vaccination.v[0]!;

  it('passes a vaccination, a test and a recovery that keep them, with members the schema does not name', () => {
    expect(dccSchemaProblems(asRead(vaccination))).toEqual([]);
    expect(dccSchemaProblems(asRead({ ...person, t: [{ ...test, nm: 'PCR', ma: '', tc: 'Testzentrum', dr: '2021-02-20T13:00:00+02:00' }] }))).toEqual([]);
    expect(dccSchemaProblems(asRead({ ...person, r: [recovery], xx: 1 }))).toEqual([]);
    expect(dccSchemaProblems(asRead({ ...vaccination, dob: '1998' }))).toEqual([]);
    expect(dccSchemaProblems(asRead({ ...vaccination, dob: '' }))).toEqual([]);
  });

  it.each([
    ['no ver', { ...vaccination, ver: undefined }, 'ver is missing'],
    ['a ver that is not n.n.n', { ...vaccination, ver: '1.3' }, 'ver is not a version'],
    ['no nam', { ...vaccination, nam: undefined }, 'nam is missing'],
    ['no fnt', { ...vaccination, nam: { fn: 'Muster' } }, 'nam.fnt is missing'],
    ['an fnt outside the ICAO alphabet', { ...vaccination, nam: { fnt: 'Muster' } }, 'nam.fnt is not in the ICAO alphabet'],
    ['a name longer than 80', { ...vaccination, nam: { fnt: 'A', fn: 'x'.repeat(81) } }, 'nam.fn is longer than 80'],
    ['no dob', { ...vaccination, dob: undefined }, 'dob is missing'],
    ['an impossible dob', { ...vaccination, dob: '1998-02-30' }, 'dob is not a birth date'],
    ['a dob in 1850', { ...vaccination, dob: '1850-01-01' }, 'dob is not a birth date'],
    ['none of v, t, r', person, 'holds 0'],
    ['two of v, t, r', { ...vaccination, r: [recovery] }, 'holds 2'],
    ['an empty v', { ...person, v: [] }, 'v is not an array of one entry'],
    ['two vaccinations', { ...person, v: [v0, v0] }, 'v is not an array of one entry'],
    ['a dose number of 0', { ...person, v: [{ ...v0, dn: 0 }] }, 'v[0].dn is not an integer from 1 to 9'],
    ['a dose number as text', { ...person, v: [{ ...v0, sd: '2' }] }, 'v[0].sd is not an integer'],
    ['a vaccination date that is not a date', { ...person, v: [{ ...v0, dt: '2021-02-18T10:00:00Z' }] }, 'v[0].dt is not a date'],
    ['a vaccination without its certificate id', { ...person, v: [{ ...v0, ci: undefined }] }, 'v[0].ci is missing'],
    ['a sample time without an offset', { ...person, t: [{ ...test, sc: '2021-02-20T12:34:56' }] }, 't[0].sc is not a date-time'],
    ['a test without its type', { ...person, t: [{ ...test, tt: undefined }] }, 't[0].tt is missing'],
    ['a recovery valid until 31 April', { ...person, r: [{ ...recovery, du: '2021-04-31' }] }, 'r[0].du is not a date'],
    ['an entry that is not an object', { ...person, r: ['x'] }, 'r[0] is not an object'],
  ])('names the problem: %s', (_what, dcc, problem) => {
    expect(dccSchemaProblems(asRead(dcc)).join('; ')).toContain(problem);
  });

  it('never repeats a value in its messages (a DCC is personal data)', () => {
    const problems = dccSchemaProblems(asRead({ ...vaccination, nam: { fnt: 'Musterfrau' }, dob: 'Gößinger' })).join('; ');
    expect(problems).not.toMatch(/Musterfrau|Gößinger/);
  });

  it('makes readDccPayload report the problems while still reading the person', () => {
    const read = readDccPayload(cwt({ ...vaccination, dob: 'unknown' }));
    expect(read.problems).toEqual(['dob is not a birth date']);
    expect(read.payload?.subject.familyName).toBe('Musterfrau-Gößinger');
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
