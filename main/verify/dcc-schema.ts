// The shape rules of the EU DCC JSON schema (eu-dcc-schema, versions 1.0.0 to 1.3.x), for the
// DCC object of an HC1 code. The schema file is not in the corpus and no maintained npm package
// carries it, so its rules are written out here, as the published schema states them, limited to
// the ones every version from 1.0.0 on shares: a DCC valid under any of them passes.
//
// What is checked: the required members; exactly one of v / t / r, holding one entry; member
// types; the date and date-time formats; the integer ranges of dn and sd; the 80-character
// limits; the ICAO transliteration alphabet of fnt and gnt. What is not: value-set membership
// (tg, vp, mp, ma, tt, tr, co), which the schema leaves to business rules, and members it does
// not name, which it allows.

import { isRealDate } from './claims.js';

/** A DCC (or a part of one) as decodeCbor gives it: text-keyed Maps, arrays, strings, numbers. */
type Node = unknown;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** RFC 3339 date-time, the schema's `format: date-time` (an offset is required). */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;
/** dob: a year from 1900 to 2099, optionally with month and day, or empty when unknown. */
const DOB = /^(?:(?:19|20)\d\d(?:-\d\d){0,2})?$/;
const VERSION = /^\d+\.\d+\.\d+$/;
/** fnt and gnt: the ICAO 9303 machine-readable alphabet. */
const ICAO = /^[A-Z<]*$/;
const MAX_TEXT = 80;

type Rule = (value: Node) => string | undefined;

const text: Rule = (v) => (typeof v === 'string' ? undefined : 'is not a string');
const limited: Rule = (v) => text(v) ?? ((v as string).length > MAX_TEXT ? `is longer than ${MAX_TEXT} characters` : undefined);
const icao: Rule = (v) => limited(v) ?? (ICAO.test(v as string) ? undefined : 'is not in the ICAO alphabet (A-Z and <)');
const date: Rule = (v) => text(v) ?? (DATE.test(v as string) && isRealDate((v as string).slice(0, 10)) ? undefined : 'is not a date (YYYY-MM-DD)');
const dateTime: Rule = (v) =>
  text(v) ?? (DATE_TIME.test(v as string) && isRealDate((v as string).slice(0, 10)) ? undefined : 'is not a date-time with an offset');
const dose: Rule = (v) => (Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 9 ? undefined : 'is not an integer from 1 to 9');

/** Each entry kind's members: rule, and whether the member is required. */
type Shape = Readonly<Record<string, readonly [Rule, 'required' | 'optional']>>;

const NAME: Shape = {
  fn: [limited, 'optional'],
  fnt: [icao, 'required'],
  gn: [limited, 'optional'],
  gnt: [icao, 'optional'],
};

const ENTRY: Readonly<Record<'v' | 't' | 'r', Shape>> = {
  v: {
    tg: [text, 'required'],
    vp: [text, 'required'],
    mp: [text, 'required'],
    ma: [text, 'required'],
    dn: [dose, 'required'],
    sd: [dose, 'required'],
    dt: [date, 'required'],
    co: [text, 'required'],
    is: [limited, 'required'],
    ci: [limited, 'required'],
  },
  t: {
    tg: [text, 'required'],
    tt: [text, 'required'],
    nm: [text, 'optional'],
    ma: [text, 'optional'],
    sc: [dateTime, 'required'],
    // Result date: in schema 1.0.x only, optional there.
    dr: [dateTime, 'optional'],
    tr: [text, 'required'],
    tc: [limited, 'optional'],
    co: [text, 'required'],
    is: [limited, 'required'],
    ci: [limited, 'required'],
  },
  r: {
    tg: [text, 'required'],
    fr: [date, 'required'],
    co: [text, 'required'],
    is: [limited, 'required'],
    df: [date, 'required'],
    du: [date, 'required'],
    ci: [limited, 'required'],
  },
};

function member(node: Node, key: string): Node {
  return node instanceof Map ? (node as ReadonlyMap<unknown, unknown>).get(key) : undefined;
}

function checkShape(node: Node, shape: Shape, path: string, problems: string[]): void {
  if (!(node instanceof Map)) {
    problems.push(`${path} is not an object`);
    return;
  }
  for (const [key, [rule, presence]] of Object.entries(shape)) {
    const value = member(node, key);
    if (value === undefined) {
      if (presence === 'required') problems.push(`${path}.${key} is missing`);
      continue;
    }
    const problem = rule(value);
    if (problem) problems.push(`${path}.${key} ${problem}`);
  }
}

/**
 * Where a DCC breaks the schema's rules, one line per problem naming the member (never its value:
 * a DCC is personal data). Empty when it conforms.
 */
export function dccSchemaProblems(dcc: ReadonlyMap<string, unknown>): string[] {
  const problems: string[] = [];
  const ver = dcc.get('ver');
  if (ver === undefined) problems.push('ver is missing');
  else if (typeof ver !== 'string' || !VERSION.test(ver)) problems.push('ver is not a version (n.n.n)');
  const nam = dcc.get('nam');
  if (nam === undefined) problems.push('nam is missing');
  else checkShape(nam, NAME, 'nam', problems);
  const dob = dcc.get('dob');
  if (dob === undefined) problems.push('dob is missing');
  else if (typeof dob !== 'string' || !DOB.test(dob) || (dob.length === 10 && !isRealDate(dob))) problems.push('dob is not a birth date');

  const groups = (['v', 't', 'r'] as const).filter((key) => dcc.get(key) !== undefined);
  if (groups.length !== 1) problems.push(`a DCC holds exactly one of v, t, r (this one holds ${groups.length})`);
  for (const key of groups) {
    const entries = dcc.get(key);
    if (!Array.isArray(entries) || entries.length !== 1) {
      problems.push(`${key} is not an array of one entry`);
      continue;
    }
    checkShape(entries[0], ENTRY[key], `${key}[0]`, problems);
  }
  return problems;
}
