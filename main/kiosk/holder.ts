// What a verdict shows and reports about its holder, as the site profile decides: the clerk's
// HolderView, the card's fields for the verifier, and the hotel's guest registration.
import type { HolderView } from '../api/contract.js';
import { maskDocumentNumber } from '../api/contract.js';
import type { GuestRegistration } from '../audit/index.js';
import type { CardFields } from '../verify/card.js';
import type { Subject } from '../verify/types.js';
import type { CardRecord } from '../../drivers/card-reader/index.js';
import type { HolderField, SiteProfile } from '../../config/profiles.js';

const SEX_LABEL: Record<number, string> = { 1: '男 / M', 2: '女 / F' };

/** The driver's record in the verifier's plain shape. */
export function cardFields(record: CardRecord): CardFields {
  const sex = Number(record.sex.code);
  return {
    kind: record.kind,
    idNumber: record.idNumber,
    name: record.name || record.nameEnglish || '',
    ...(record.nameEnglish ? { latinName: record.nameEnglish } : {}),
    birthDate: record.birthDate,
    validFrom: record.validFrom,
    validTo: record.validTo === 'long-term' ? null : record.validTo,
    ...(Number.isInteger(sex) && record.sex.zh !== undefined ? { sex } : {}),
    ...(record.ethnicity?.zh ? { ethnicity: record.ethnicity.zh } : {}),
    ...(record.nationality ? { nationality: record.nationality } : {}),
    ...(record.address ? { address: record.address } : {}),
    ...(record.issuingAuthority ? { authority: record.issuingAuthority } : {}),
    flags: record.flags,
  };
}

/** The card photo as a data: URL, when a site's decoder made an image of it. */
export function cardPhotoUrl(record: CardRecord): string | undefined {
  const decoded = record.photo.decoded;
  return decoded ? `data:${decoded.mime};base64,${Buffer.from(decoded.bytes).toString('base64')}` : undefined;
}

function fieldValue(field: Exclude<HolderField, 'latinName' | 'photo'>, s: Subject): string | undefined {
  switch (field) {
    case 'birthDate':
      return s.birthDate;
    case 'sex':
      return s.sex === undefined ? undefined : SEX_LABEL[s.sex];
    case 'nationality':
      return s.nationality;
    case 'address':
      return s.address;
    case 'validTo':
      return s.validTo === null ? '长期 / long-term' : s.validTo;
    case 'authority':
      return s.authority;
  }
}

/** The holder as the profile lets the clerk see them; undefined when the verdict names nobody. */
export function holderView(subject: Subject | undefined, profile: SiteProfile, photo?: string): HolderView | undefined {
  if (!subject) return undefined;
  const name = subject.name ?? [subject.familyName, subject.givenName].filter(Boolean).join(' ');
  if (!name && subject.documentNumber === undefined) return undefined;
  const shown = new Set(profile.shown);
  const fields: { key: string; value: string }[] = [];
  for (const field of profile.shown) {
    if (field === 'latinName' || field === 'photo') continue;
    const value = fieldValue(field, subject);
    if (value) fields.push({ key: `holder.${field}`, value });
  }
  return {
    name,
    ...(shown.has('latinName') && subject.latinName ? { latinName: subject.latinName } : {}),
    maskedNumber: subject.documentNumber === undefined ? '' : maskDocumentNumber(subject.documentNumber),
    documentType: subject.documentType ?? 'EU-DCC',
    fields,
    ...(shown.has('photo') && photo ? { photo } : {}),
  };
}

/** The hotel's report for a valid verdict; undefined when the document lacks what it needs. */
export function guestRegistration(subject: Subject | undefined, checkInMs: number): GuestRegistration | undefined {
  if (!subject?.name || !subject.documentType || !subject.documentNumber || !subject.birthDate) return undefined;
  if (!/^\d{4}(-?\d{2}(-?\d{2})?)?$/.test(subject.birthDate)) return undefined;
  return {
    name: subject.name,
    documentType: subject.documentType,
    documentNumber: subject.documentNumber,
    birthDate: subject.birthDate,
    address: subject.address ?? '',
    checkInMs,
  };
}
