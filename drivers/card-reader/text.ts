// Decoding of the card's 256-byte UCS-2LE text block into one typed record, for all four card
// kinds (resident ID ' ', J, I, Y), with field flags for values that fail their checks.
import { ethnicityOf, sexOf, type CodedValue } from './codes.js';
import { CardReaderError } from './errors.js';
import { hasValidCheckCharacter, normalizeIdNumber } from './gb11643.js';
import type { DecodedPhoto } from './photo.js';

export const TEXT_BLOCK_BYTES = 256;
export const PHOTO_BLOCK_BYTES = 1024;
/** Bytes 248–249 hold the card type mark (one UCS-2 character). */
export const TYPE_MARK_OFFSET = 248;

export type CardKind = 'resident' | 'hk_macao_taiwan' | 'foreign_permanent_2017' | 'foreign_permanent_2023';
export type TypeMark = ' ' | 'J' | 'I' | 'Y';

export const KIND_OF_MARK: Readonly<Record<TypeMark, CardKind>> = {
  ' ': 'resident',
  J: 'hk_macao_taiwan',
  I: 'foreign_permanent_2017',
  Y: 'foreign_permanent_2023',
};

/** `YYYY-MM-DD` when the card's date is a real calendar date, else the card's raw text (flagged). */
export type CardDate = string;

export type FieldFlagCode =
  | 'bad_check_character'
  | 'bad_format'
  | 'bad_date'
  | 'birth_date_mismatch'
  | 'unknown_sex_code'
  | 'unknown_ethnicity_code'
  | 'photo_decode_failed';

/** A field that failed a check. Names the field, never its value. */
export interface FieldFlag {
  readonly field: string;
  readonly code: FieldFlagCode;
}

export interface CardPhoto {
  /** The raw 1,024-byte block, always kept. */
  readonly wlt: Uint8Array;
  /** Filled only when a site installed a PhotoDecoder and it succeeded. */
  readonly decoded?: DecodedPhoto;
}

/**
 * One record for every card kind. Fields a kind does not carry are undefined; the comment of
 * each says which kinds fill it.
 */
export interface CardRecord {
  readonly kind: CardKind;
  readonly typeMark: TypeMark;
  /** Chinese name. I cards may hold none: then ''. */
  readonly name: string;
  /** I and Y: the English name (Y: characters 1–35 and 36–46 joined). */
  readonly nameEnglish?: string;
  readonly sex: CodedValue;
  /** Resident cards only (the J card's field is reserved). */
  readonly ethnicity?: CodedValue;
  readonly birthDate: CardDate;
  /** Resident and J. */
  readonly address?: string;
  /** 18 characters (resident, J, Y; x read as X) or the I card's 15-character number. */
  readonly idNumber: string;
  /** Resident and J. */
  readonly issuingAuthority?: string;
  /** I: code of the authority that accepted the application. */
  readonly authorityCode?: string;
  readonly validFrom: CardDate;
  /** `long-term` when the card says 长期. */
  readonly validTo: CardDate | 'long-term';
  /** J: number of the holder's travel permit. */
  readonly passNumber?: string;
  /** J: how many times the permit has been issued. */
  readonly issueCount?: number;
  /** I and Y: ISO 3166 alpha-3 country code. */
  readonly nationality?: string;
  /** I: card version. */
  readonly cardVersion?: string;
  /** Y: how many times the card has been renewed. */
  readonly renewalCount?: number;
  /** Y: link to the holder's previous (I card) number. */
  readonly previousCardLink?: string;
  readonly photo: CardPhoto;
  /** Checks that failed; empty for a clean card. */
  readonly flags: readonly FieldFlag[];
}

const utf16 = new TextDecoder('utf-16le');

/** One fixed-width field: UCS-2LE, padded with spaces (some readers pad with NULs). */
function field(text: Uint8Array, offset: number, bytes: number): string {
  return utf16.decode(text.subarray(offset, offset + bytes)).replace(/[\u0020\u0000]+$/u, '');
}

/** The card kind a text block announces, or undefined for an unknown mark. */
export function typeMarkOf(text: Uint8Array): TypeMark | undefined {
  const mark = utf16.decode(text.subarray(TYPE_MARK_OFFSET, TYPE_MARK_OFFSET + 2));
  if (mark === ' ' || mark === '\u0000') return ' ';
  return mark === 'J' || mark === 'I' || mark === 'Y' ? mark : undefined;
}

class FlagList {
  readonly list: FieldFlag[] = [];
  add(field: string, code: FieldFlagCode): void {
    this.list.push({ field, code });
  }
}

function date(raw: string, name: string, flags: FlagList): CardDate {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(raw);
  if (m) {
    const [, y, mo, d] = m as unknown as [string, string, string, string];
    const t = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
    if (t.getUTCFullYear() === Number(y) && t.getUTCMonth() === Number(mo) - 1 && t.getUTCDate() === Number(d)) {
      return `${y}-${mo}-${d}`;
    }
  }
  flags.add(name, 'bad_date');
  return raw;
}

function validTo(raw: string, flags: FlagList): CardDate | 'long-term' {
  return raw === '长期' ? 'long-term' : date(raw, 'validTo', flags);
}

function count(raw: string, name: string, flags: FlagList): number | undefined {
  if (/^\d+$/.test(raw)) return Number(raw);
  flags.add(name, 'bad_format');
  return undefined;
}

function sex(code: string, flags: FlagList): CodedValue {
  const v = sexOf(code);
  if (v.zh === undefined) flags.add('sex', 'unknown_sex_code');
  return v;
}

/** GB 11643 numbers (resident, J and Y cards) carry the birth date in characters 7–14. */
function idNumber18(raw: string, birthDate: CardDate, flags: FlagList): string {
  const n = normalizeIdNumber(raw);
  if (!hasValidCheckCharacter(n)) flags.add('idNumber', /^\d{17}[\dX]$/.test(n) ? 'bad_check_character' : 'bad_format');
  else if (/^\d{4}-\d{2}-\d{2}$/.test(birthDate) && n.slice(6, 14) !== birthDate.replaceAll('-', '')) {
    flags.add('idNumber', 'birth_date_mismatch');
  }
  return n;
}

/**
 * Decodes the text block (and keeps the photo block raw). Throws CardReaderError
 * `bad_text_block` for a block of the wrong size and `unknown_card_type` for an unknown mark;
 * a field that fails its check is reported in `flags`, never thrown.
 */
export function decodeCard(text: Uint8Array, photo: Uint8Array): CardRecord {
  if (text.length !== TEXT_BLOCK_BYTES) throw new CardReaderError('bad_text_block', `${text.length} bytes, expected 256`);
  const mark = typeMarkOf(text);
  if (mark === undefined) throw new CardReaderError('unknown_card_type', 'unknown type mark at byte 248');
  const flags = new FlagList();
  const kind = KIND_OF_MARK[mark];
  const wlt = Uint8Array.from(photo);

  if (mark === 'I') {
    const birthDate = date(field(text, 220, 16), 'birthDate', flags);
    const number = field(text, 122, 30);
    if (!/^[A-Z]{3}\d{12}$/.test(number)) flags.add('idNumber', 'bad_format');
    return {
      kind,
      typeMark: mark,
      name: field(text, 158, 30),
      nameEnglish: field(text, 0, 120),
      sex: sex(field(text, 120, 2), flags),
      birthDate,
      idNumber: number,
      nationality: field(text, 152, 6),
      validFrom: date(field(text, 188, 16), 'validFrom', flags),
      validTo: validTo(field(text, 204, 16), flags),
      cardVersion: field(text, 236, 4),
      authorityCode: field(text, 240, 8),
      photo: { wlt },
      flags: flags.list,
    };
  }

  if (mark === 'Y') {
    const birthDate = date(field(text, 36, 16), 'birthDate', flags);
    // The English name is split: characters 1–35 at 52, 36–46 at 220. Join before trimming,
    // so a break that falls on a space keeps it.
    const english = utf16.decode(text.subarray(52, 122)) + utf16.decode(text.subarray(220, 242));
    return {
      kind,
      typeMark: mark,
      name: field(text, 0, 30),
      nameEnglish: english.replace(/[\u0020\u0000]+$/u, ''),
      sex: sex(field(text, 30, 2), flags),
      renewalCount: count(field(text, 32, 4), 'renewalCount', flags),
      birthDate,
      idNumber: idNumber18(field(text, 122, 36), birthDate, flags),
      validFrom: date(field(text, 188, 16), 'validFrom', flags),
      validTo: validTo(field(text, 204, 16), flags),
      nationality: field(text, 242, 6),
      previousCardLink: field(text, 250, 6),
      photo: { wlt },
      flags: flags.list,
    };
  }

  // Resident ID card and J card share the layout; J uses the reserved tail.
  const birthDate = date(field(text, 36, 16), 'birthDate', flags);
  const common = {
    kind,
    typeMark: mark,
    name: field(text, 0, 30),
    sex: sex(field(text, 30, 2), flags),
    birthDate,
    address: field(text, 52, 70),
    idNumber: idNumber18(field(text, 122, 36), birthDate, flags),
    issuingAuthority: field(text, 158, 30),
    validFrom: date(field(text, 188, 16), 'validFrom', flags),
    validTo: validTo(field(text, 204, 16), flags),
    photo: { wlt },
  };
  if (mark === 'J') {
    return {
      ...common,
      passNumber: field(text, 220, 18),
      issueCount: count(field(text, 238, 4), 'issueCount', flags),
      flags: flags.list,
    };
  }
  const ethnicity = ethnicityOf(field(text, 32, 4));
  if (ethnicity.zh === undefined) flags.add('ethnicity', 'unknown_ethnicity_code');
  return { ...common, ethnicity, flags: flags.list };
}

/** A copy of `record` with the photo decoded by a site's decoder; a failure becomes a flag. */
export async function withDecodedPhoto(
  record: CardRecord,
  decoder: { decode(wlt: Uint8Array): Promise<DecodedPhoto> },
): Promise<CardRecord> {
  try {
    const decoded = await decoder.decode(record.photo.wlt);
    return { ...record, photo: { wlt: record.photo.wlt, decoded } };
  } catch {
    return { ...record, flags: [...record.flags, { field: 'photo', code: 'photo_decode_failed' }] };
  }
}
