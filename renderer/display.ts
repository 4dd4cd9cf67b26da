// How numbers, names and times look on the screen: the masked document number in three parts,
// durations and clock times in the visitor's language. Pure functions, no DOM.
import type { Language } from '../main/api/contract.js';

export interface MaskedNumber {
  readonly head: string;
  readonly hidden: number;
  readonly tail: string;
}

/**
 * Splits a masked number (`110105********002X`) into what is shown and how much is hidden.
 * Main sends the number already masked; should an unmasked one ever arrive, the screen masks
 * it the same way (first 6 and last 4 kept) rather than show it whole.
 */
export function maskedParts(number: string): MaskedNumber {
  const shape = /^([^*]*)(\*+)([^*]*)$/.exec(number);
  if (shape) return { head: shape[1] ?? '', hidden: (shape[2] ?? '').length, tail: shape[3] ?? '' };
  if (number.includes('*') || number.length <= 10) return { head: '', hidden: number.length, tail: '' };
  return { head: number.slice(0, 6), hidden: number.length - 10, tail: number.slice(-4) };
}

const HAN = /\p{Script=Han}/u;

/** A name written in Chinese characters is marked `zh-CN` so a screen reader says it right. */
export function nameLanguage(name: string): Language | undefined {
  return HAN.test(name) ? 'zh-CN' : undefined;
}

/** Whole seconds left until `at`, never negative: "clears in 3 s" shows 3 until it reaches 2. */
export function secondsUntil(at: number, now: number): number {
  return Math.max(0, Math.ceil((at - now) / 1000));
}

const UNITS = [
  { ms: 86_400_000, 'zh-CN': '天', en: 'd' },
  { ms: 3_600_000, 'zh-CN': '小时', en: 'h' },
  { ms: 60_000, 'zh-CN': '分钟', en: 'min' },
  { ms: 1000, 'zh-CN': '秒', en: 's' },
] as const;

/** `2 d 4 h`, `3 h 12 min`, `45 s` — the two largest units, which is all a clerk needs. */
export function formatDuration(ms: number, language: Language): string {
  const total = Math.floor(Math.abs(ms) / 1000) * 1000;
  const part = (count: number, unit: (typeof UNITS)[number]) => (language === 'zh-CN' ? `${count}${unit['zh-CN']}` : `${count} ${unit.en}`);
  const index = UNITS.findIndex((unit) => total >= unit.ms);
  const big = UNITS[index];
  if (!big) return part(0, UNITS[3]);
  const bigCount = Math.floor(total / big.ms);
  const parts = [part(bigCount, big)];
  const small = UNITS[index + 1];
  const smallCount = small ? Math.floor((total - bigCount * big.ms) / small.ms) : 0;
  if (small && smallCount > 0) parts.push(part(smallCount, small));
  return parts.join(language === 'zh-CN' ? '' : ' ');
}

const formats = new Map<string, Intl.DateTimeFormat>();
function dateFormat(language: Language, withDate: boolean): Intl.DateTimeFormat {
  const key = `${language}/${withDate}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(language, {
      ...(withDate ? { year: 'numeric', month: '2-digit', day: '2-digit' } : {}),
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(key, format);
  }
  return format;
}

/** A clock time; the date is added when it is not today. */
export function formatTime(at: number, language: Language, now: number): string {
  const sameDay = new Date(at).toDateString() === new Date(now).toDateString();
  return dateFormat(language, !sameDay).format(at);
}
