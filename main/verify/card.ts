// The verdict on an ID card read by the card reader: no signature to check (the reader's SAM
// authenticated the chip), so number, validity, the status list, list freshness and the clock.
import { birthDateOf, hasValidCheckCharacter, normalizeDocumentNumber } from './gb11643.js';
import { resultOf, type Reason } from './reasons.js';
import { DEFAULT_POLICY, type Subject, type Verdict, type VerifyContext } from './types.js';
import { chinaDate } from './verifier.js';

/** Card kinds as the reader driver names them, and the status-list document type of each. */
export const CARD_DOCUMENT_TYPE = {
  resident: 'CN-RIC',
  hk_macao_taiwan: 'CN-HMT',
  foreign_permanent_2017: 'CN-FPR',
  foreign_permanent_2023: 'CN-FPR',
} as const;
export type CardKindName = keyof typeof CARD_DOCUMENT_TYPE;

/** A card's fields as the verifier needs them: a plain shape, so main/verify needs no driver. */
export interface CardFields {
  readonly kind: CardKindName;
  readonly idNumber: string;
  readonly name: string;
  readonly latinName?: string;
  /** `YYYY-MM-DD`, or the card's raw text when it is not a date (then flagged). */
  readonly birthDate: string;
  readonly validFrom: string;
  /** `YYYY-MM-DD`, or null for long-term (长期). */
  readonly validTo: string | null;
  readonly sex?: number;
  readonly ethnicity?: string;
  readonly nationality?: string;
  readonly address?: string;
  readonly authority?: string;
  /** The driver's field checks that failed (field name and code, never the value). */
  readonly flags: ReadonlyArray<{ readonly field: string; readonly code: string }>;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function numberOk(kind: CardKindName, number: string, birthDate: string): boolean {
  // The 2017 foreigner's card has a 15-character number with no GB 11643 check character.
  if (kind === 'foreign_permanent_2017') return /^[A-Z]{3}\d{12}$/.test(number);
  return hasValidCheckCharacter(number) && DATE.test(birthDate) && birthDateOf(number) === birthDate;
}

/**
 * Verifies a card's fields. A flag on the number or the birth date → bad_document_number; a
 * validity date that is not a date, or today outside it → document_expired (validity cannot be
 * established either way); the status list holding it → revoked; no status list in force or a
 * stale one → stale_status_list; an untrusted clock → clock_unsynced. Never throws.
 */
export function verifyCardRecord(card: CardFields, ctx: VerifyContext): Verdict {
  const grace = ctx.policy?.listGraceSeconds ?? DEFAULT_POLICY.listGraceSeconds;
  const documentType = CARD_DOCUMENT_TYPE[card.kind];
  const number = normalizeDocumentNumber(card.idNumber);
  const reasons: Reason[] = [];

  const flagged = (field: string) => card.flags.some((f) => f.field === field);
  if (flagged('idNumber') || flagged('birthDate') || !numberOk(card.kind, number, card.birthDate)) reasons.push('bad_document_number');

  const today = chinaDate(ctx.now);
  const datesOk = !flagged('validFrom') && !flagged('validTo') && DATE.test(card.validFrom) && (card.validTo === null || DATE.test(card.validTo));
  if (!datesOk || card.validFrom > today || (card.validTo !== null && today > card.validTo)) reasons.push('document_expired');

  if (ctx.status?.holds(documentType, number)) reasons.push('revoked');
  const statusNu = ctx.status?.nextUpdate;
  if (!ctx.status || (statusNu !== undefined && ctx.now > statusNu + grace)) reasons.push('stale_status_list');
  if (!ctx.clockTrusted) reasons.push('clock_unsynced');

  const subject: Subject = { documentType, documentNumber: number, name: card.name, birthDate: card.birthDate, validFrom: card.validFrom, validTo: card.validTo };
  if (card.latinName) subject.latinName = card.latinName;
  if (card.sex !== undefined) subject.sex = card.sex;
  if (card.ethnicity) subject.ethnicity = card.ethnicity;
  if (card.nationality) subject.nationality = card.nationality;
  if (card.address) subject.address = card.address;
  if (card.authority) subject.authority = card.authority;
  return { result: resultOf(reasons), reasons, subject };
}
