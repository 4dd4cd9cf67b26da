// How the screen shows document numbers, names and times: never more of a number than main masked.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { maskDocumentNumber } from '../../../main/api/contract.js';
import { formatDuration, formatTime, maskedParts, nameLanguage, secondsUntil } from '../../../renderer/display.js';

describe('masked document numbers', () => {
  test('a masked number splits into what is shown and how much is hidden', () => {
    expect(maskedParts('110105********002X')).toEqual({ head: '110105', hidden: 8, tail: '002X' });
    expect(maskedParts('110105*****0021')).toEqual({ head: '110105', hidden: 5, tail: '0021' });
    expect(maskedParts('**********')).toEqual({ head: '', hidden: 10, tail: '' });
  });

  test('an unmasked number that reaches the screen is masked exactly as main masks it', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 0, maxLength: 24, unit: fc.constantFrom(...'0123456789X') }), (number) => {
        const parts = maskedParts(number);
        return parts.head + '*'.repeat(parts.hidden) + parts.tail === maskDocumentNumber(number);
      }),
    );
  });

  test('what main masked comes out unchanged', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 11, maxLength: 24, unit: fc.constantFrom(...'0123456789X') }), (number) => {
        const masked = maskDocumentNumber(number);
        const parts = maskedParts(masked);
        return parts.head + '*'.repeat(parts.hidden) + parts.tail === masked;
      }),
    );
  });

  test('an odd mask shape shows nothing rather than guess', () => {
    expect(maskedParts('11**05**002X')).toEqual({ head: '', hidden: 12, tail: '' });
  });
});

describe('names', () => {
  test('a name in Chinese characters is marked zh-CN; a Latin name is left to the page language', () => {
    expect(nameLanguage('张伟')).toBe('zh-CN');
    expect(nameLanguage('ZHANG Wei')).toBeUndefined();
    expect(nameLanguage('Müller')).toBeUndefined();
  });
});

describe('times', () => {
  test('durations show their two largest units', () => {
    const hour = 3_600_000;
    expect(formatDuration(91 * hour + 30 * 60_000, 'en')).toBe('3 d 19 h');
    expect(formatDuration(91 * hour + 30 * 60_000, 'zh-CN')).toBe('3天19小时');
    expect(formatDuration(3 * hour + 12 * 60_000 + 5000, 'en')).toBe('3 h 12 min');
    expect(formatDuration(2 * hour + 30_000, 'en')).toBe('2 h');
    expect(formatDuration(45_900, 'en')).toBe('45 s');
    expect(formatDuration(45_900, 'zh-CN')).toBe('45秒');
    expect(formatDuration(400, 'en')).toBe('0 s');
    expect(formatDuration(-90_000, 'en')).toBe('1 min 30 s');
  });

  test('seconds left round up and stop at zero', () => {
    expect(secondsUntil(10_000, 2_001)).toBe(8);
    expect(secondsUntil(10_000, 2_000)).toBe(8);
    expect(secondsUntil(10_000, 9_999)).toBe(1);
    expect(secondsUntil(10_000, 12_000)).toBe(0);
  });

  test('a clock time carries the date only when it is not today', () => {
    const now = new Date(2025, 5, 1, 15, 0, 0).getTime();
    expect(formatTime(new Date(2025, 5, 1, 9, 5, 7).getTime(), 'en', now)).toBe('09:05:07');
    expect(formatTime(new Date(2025, 4, 31, 9, 5, 7).getTime(), 'en', now)).toMatch(/2025/);
    expect(formatTime(new Date(2025, 4, 31, 9, 5, 7).getTime(), 'zh-CN', now)).toMatch(/2025.*09:05:07/);
  });
});
