import { describe, expect, it } from 'vitest';
import { ETHNICITY_CODES } from '../../../../drivers/card-reader/codes.js';
import { CardReaderError } from '../../../../drivers/card-reader/errors.js';
import { checkCharacter, hasValidCheckCharacter, normalizeIdNumber } from '../../../../drivers/card-reader/gb11643.js';
import { decodeCard, withDecodedPhoto } from '../../../../drivers/card-reader/text.js';

/**
 * A 256-byte block of padding with fields written (and padded) at the spec's offsets; later
 * entries override earlier ones. Independent of the simulator's writer on purpose.
 */
function block(fields: [offset: number, bytes: number, value: string][], pad = ' '): Uint8Array {
  const b = Buffer.alloc(256);
  for (let i = 0; i < 256; i += 2) b.write(pad, i, 'utf16le');
  for (const [offset, bytes, value] of fields) {
    expect(value.length * 2).toBeLessThanOrEqual(bytes);
    b.write(value.padEnd(bytes / 2, pad), offset, 'utf16le');
  }
  return new Uint8Array(b);
}

const photo = Uint8Array.from({ length: 1024 }, (_, i) => i & 0xff);
const id = (body17: string) => body17 + checkCharacter(body17)!;

const RESIDENT: [number, number, string][] = [
  [0, 30, '张测试'],
  [30, 2, '1'],
  [32, 4, '01'],
  [36, 16, '19900307'],
  [52, 70, '北京市东城区示例胡同1号'],
  [122, 36, id('11010119900307123')],
  [158, 30, '北京市公安局东城分局'],
  [188, 16, '20200101'],
  [204, 16, '20400101'],
];

describe('GB 11643 (driver copy)', () => {
  it('computes the standard example (S = 167 → X) and reads x as X', () => {
    expect(checkCharacter('11010519491231002')).toBe('X');
    expect(hasValidCheckCharacter('11010519491231002X')).toBe(true);
    expect(hasValidCheckCharacter('11010519491231002x')).toBe(true);
    expect(normalizeIdNumber('11010519491231002x')).toBe('11010519491231002X');
  });

  it('rejects wrong check characters, lengths and non-digits', () => {
    expect(hasValidCheckCharacter('110105194912310021')).toBe(false);
    expect(hasValidCheckCharacter('1101051949123100')).toBe(false);
    expect(checkCharacter('1101051949123100A')).toBeUndefined();
  });
});

describe('decodeCard: resident identity card', () => {
  it('decodes every field into the record', () => {
    const r = decodeCard(block(RESIDENT), photo);
    expect(r).toMatchObject({
      kind: 'resident',
      typeMark: ' ',
      name: '张测试',
      sex: { code: '1', zh: '男', en: 'male' },
      ethnicity: { code: '01', zh: '汉', en: 'Han' },
      birthDate: '1990-03-07',
      address: '北京市东城区示例胡同1号',
      idNumber: id('11010119900307123'),
      issuingAuthority: '北京市公安局东城分局',
      validFrom: '2020-01-01',
      validTo: '2040-01-01',
      flags: [],
    });
    expect(r.nameEnglish).toBeUndefined();
    expect(r.passNumber).toBeUndefined();
    expect([...r.photo.wlt]).toEqual([...photo]);
    expect(r.photo.decoded).toBeUndefined();
  });

  it('reads 长期 as a long-term expiry', () => {
    const r = decodeCard(block([...RESIDENT, [204, 16, '长期']]), photo);
    expect(r.validTo).toBe('long-term');
    expect(r.flags).toEqual([]);
  });

  it('flags a bad check character without throwing', () => {
    const good = id('11010119900307123');
    const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    const r = decodeCard(block([...RESIDENT, [122, 36, bad]]), photo);
    expect(r.idNumber).toBe(bad);
    expect(r.flags).toEqual([{ field: 'idNumber', code: 'bad_check_character' }]);
  });

  it('reads a lower-case x check character as X', () => {
    const r = decodeCard(block([...RESIDENT, [36, 16, '19491231'], [122, 36, '11010519491231002x']]), photo);
    expect(r.idNumber).toBe('11010519491231002X');
    expect(r.flags).toEqual([]);
  });

  it('flags a number whose birth date disagrees with the birth field', () => {
    const r = decodeCard(block([...RESIDENT, [36, 16, '19900308']]), photo);
    expect(r.flags).toEqual([{ field: 'idNumber', code: 'birth_date_mismatch' }]);
  });

  it('flags malformed numbers, dates and unknown codes, keeping the raw text', () => {
    const r = decodeCard(
      block([...RESIDENT, [30, 2, '7'], [32, 4, '77'], [188, 16, '20201332'], [122, 36, '1101011990030712']]),
      photo,
    );
    expect(r.sex).toEqual({ code: '7', zh: undefined, en: undefined });
    expect(r.ethnicity).toEqual({ code: '77', zh: undefined, en: undefined });
    expect(r.validFrom).toBe('20201332');
    expect(r.flags).toEqual(
      expect.arrayContaining([
        { field: 'sex', code: 'unknown_sex_code' },
        { field: 'ethnicity', code: 'unknown_ethnicity_code' },
        { field: 'validFrom', code: 'bad_date' },
        { field: 'idNumber', code: 'bad_format' },
      ]),
    );
    expect(r.flags).toHaveLength(4);
  });

  it('accepts NUL padding as well as spaces', () => {
    const r = decodeCard(block(RESIDENT, '\u0000'), photo);
    expect(r.kind).toBe('resident');
    expect(r.name).toBe('张测试');
    expect(r.flags).toEqual([]);
  });
});

describe('decodeCard: the other card kinds', () => {
  it('J: Hong Kong/Macao/Taiwan residence permit', () => {
    const fields: [number, number, string][] = [
      ...RESIDENT.filter(([o]) => o !== 32 && o !== 122 && o !== 36),
      [36, 16, '19850615'],
      [122, 36, id('81000019850615003')],
      [220, 18, 'H00000001'],
      [238, 4, '03'],
      [248, 2, 'J'],
    ];
    const r = decodeCard(block(fields), photo);
    expect(r).toMatchObject({
      kind: 'hk_macao_taiwan',
      typeMark: 'J',
      birthDate: '1985-06-15',
      idNumber: id('81000019850615003'),
      passNumber: 'H00000001',
      issueCount: 3,
      flags: [],
    });
    expect(r.ethnicity).toBeUndefined();
  });

  it('I: 2017 foreigner’s permanent residence card', () => {
    const r = decodeCard(
      block([
        [0, 120, 'SAMPLE, JOHN EXAMPLE'],
        [120, 2, '1'],
        [122, 30, 'USA110085010112'],
        [152, 6, 'USA'],
        [158, 30, '约翰'],
        [188, 16, '20180101'],
        [204, 16, '20280101'],
        [220, 16, '19850101'],
        [236, 4, '01'],
        [240, 8, '1100'],
        [248, 2, 'I'],
      ]),
      photo,
    );
    expect(r).toMatchObject({
      kind: 'foreign_permanent_2017',
      typeMark: 'I',
      nameEnglish: 'SAMPLE, JOHN EXAMPLE',
      name: '约翰',
      sex: { code: '1', en: 'male' },
      idNumber: 'USA110085010112',
      nationality: 'USA',
      validFrom: '2018-01-01',
      validTo: '2028-01-01',
      birthDate: '1985-01-01',
      cardVersion: '01',
      authorityCode: '1100',
      flags: [],
    });
    expect(r.address).toBeUndefined();
  });

  it('I: flags a number that is not 3 letters and 12 digits; an empty Chinese name is ""', () => {
    const r = decodeCard(block([[122, 30, 'US110085010112'], [120, 2, '2'], [188, 16, '20180101'], [204, 16, '20280101'], [220, 16, '19850101'], [248, 2, 'I']]), photo);
    expect(r.name).toBe('');
    expect(r.flags).toEqual([{ field: 'idNumber', code: 'bad_format' }]);
  });

  it('Y: 2023 foreigner’s card, English name joined across its two fields', () => {
    const english = 'EXAMPLES GONZALEZ, MARIA ALEJANDRA FERNANDA'; // character 35 is a space
    expect(english[34]).toBe(' ');
    const r = decodeCard(
      block([
        [0, 30, '玛丽亚'],
        [30, 2, '2'],
        [32, 4, '01'],
        [36, 16, '19900202'],
        [52, 70, english.slice(0, 35)],
        [122, 36, id('91172419900202002')],
        [188, 16, '20240101'],
        [204, 16, '20340101'],
        [220, 22, english.slice(35)],
        [242, 6, 'ESP'],
        [248, 2, 'Y'],
        [250, 6, '000'],
      ]),
      photo,
    );
    expect(r).toMatchObject({
      kind: 'foreign_permanent_2023',
      typeMark: 'Y',
      name: '玛丽亚',
      nameEnglish: english,
      sex: { code: '2', zh: '女' },
      renewalCount: 1,
      birthDate: '1990-02-02',
      idNumber: id('91172419900202002'),
      validFrom: '2024-01-01',
      validTo: '2034-01-01',
      nationality: 'ESP',
      previousCardLink: '000',
      flags: [],
    });
  });

  it('Y: a bad check character is flagged too', () => {
    const good = id('91172419900202002');
    const bad = good.slice(0, 17) + (good[17] === '3' ? '4' : '3');
    const r = decodeCard(block([[36, 16, '19900202'], [122, 36, bad], [30, 2, '2'], [32, 4, '00'], [188, 16, '20240101'], [204, 16, '20340101'], [248, 2, 'Y']]), photo);
    expect(r.flags).toEqual([{ field: 'idNumber', code: 'bad_check_character' }]);
  });
});

describe('decodeCard: refusals and the photo plug-in', () => {
  it('throws typed errors for an unknown type mark or a wrong block size', () => {
    const unknown = () => decodeCard(block([...RESIDENT, [248, 2, 'Z']]), photo);
    expect(unknown).toThrow(CardReaderError);
    expect(unknown).toThrow(expect.objectContaining({ code: 'unknown_card_type' }));
    expect(() => decodeCard(new Uint8Array(255), photo)).toThrow(expect.objectContaining({ code: 'bad_text_block' }));
  });

  it('never puts field values into error messages', () => {
    try {
      decodeCard(block([...RESIDENT, [248, 2, 'Z']]), photo);
    } catch (e) {
      expect((e as Error).message).not.toContain('张测试');
      expect((e as Error).message).not.toContain('110101');
    }
  });

  it('hands the raw WLT block to a site’s decoder, and flags a decoder failure', async () => {
    const r = decodeCard(block(RESIDENT), photo);
    const seen: number[] = [];
    const decoded = await withDecodedPhoto(r, {
      decode: async (wlt) => {
        seen.push(wlt.length);
        return { mime: 'image/bmp', bytes: Uint8Array.of(0x42, 0x4d) };
      },
    });
    expect(seen).toEqual([1024]);
    expect(decoded.photo.decoded).toEqual({ mime: 'image/bmp', bytes: Uint8Array.of(0x42, 0x4d) });
    const failed = await withDecodedPhoto(r, { decode: () => Promise.reject(new Error('no licence')) });
    expect(failed.photo.decoded).toBeUndefined();
    expect(failed.flags).toEqual([{ field: 'photo', code: 'photo_decode_failed' }]);
  });
});

describe('ethnicity table (GB/T 3304)', () => {
  it('has the 56 groups plus 97 and 98', () => {
    expect(Object.keys(ETHNICITY_CODES)).toHaveLength(58);
    expect(ETHNICITY_CODES['01']).toEqual({ zh: '汉', en: 'Han' });
    expect(ETHNICITY_CODES['56']).toEqual({ zh: '基诺', en: 'Jino' });
    expect(ETHNICITY_CODES['97']?.zh).toBe('其他');
    expect(ETHNICITY_CODES['98']?.zh).toBe('外国血统中国籍人士');
    for (let i = 1; i <= 56; i++) expect(ETHNICITY_CODES[String(i).padStart(2, '0')]).toBeDefined();
  });
});
