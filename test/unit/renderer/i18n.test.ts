// The screen's wording: every reason code, result, device and sample has Chinese and English text.
import { describe, expect, test } from 'vitest';
import { DEVICES, SAMPLE_CARDS, SAMPLE_CODES } from '../../../main/api/contract.js';
import { REASONS, RESULTS } from '../../../main/verify/reasons.js';
import { HOLDER_FIELDS } from '../../../config/profiles.js';
import { DEVICE_STATE_TEXT, DEVICE_TEXT, fieldLabel, noticeText, REASON_TEXT, RESULT_TEXT, SAMPLE_CARD_TEXT, SAMPLE_CODE_TEXT, UI, type Words } from '../../../renderer/i18n.js';

const HAN = /\p{Script=Han}/u;

/** Chinese text is written in Chinese, English text has no Chinese in it: catches a swapped pair. */
function expectBoth(words: Words | undefined, what: string): void {
  expect(words, what).toBeDefined();
  expect(words!['zh-CN'].trim(), `${what} zh-CN`).not.toBe('');
  expect(words!.en.trim(), `${what} en`).not.toBe('');
  expect(HAN.test(words!['zh-CN']), `${what} zh-CN is Chinese`).toBe(true);
  expect(HAN.test(words!.en), `${what} en has no Chinese`).toBe(false);
}

describe('wording', () => {
  test('every reason code of main/verify/reasons.ts has a sentence in both languages, and no other code does', () => {
    for (const reason of REASONS) {
      expectBoth(REASON_TEXT[reason], reason);
      expect(REASON_TEXT[reason].en, reason).toMatch(/^[A-Z].*\.$/);
      expect(REASON_TEXT[reason]['zh-CN'], reason).toMatch(/。$/);
    }
    expect(Object.keys(REASON_TEXT).sort()).toEqual([...REASONS].sort());
  });

  test('no two reasons read the same (the clerk must be able to tell them apart)', () => {
    for (const language of ['zh-CN', 'en'] as const) {
      const texts = REASONS.map((reason) => REASON_TEXT[reason][language]);
      expect(new Set(texts).size, language).toBe(texts.length);
    }
  });

  test('every result has its word and summary', () => {
    for (const result of RESULTS) {
      expectBoth(RESULT_TEXT[result].word, `${result} word`);
      expectBoth(RESULT_TEXT[result].summary, `${result} summary`);
    }
  });

  test('devices, their states and the simulation samples are all named', () => {
    for (const device of DEVICES) expectBoth(DEVICE_TEXT[device], device);
    for (const state of ['ready', 'absent', 'faulty', 'simulated', 'disabled'] as const) expectBoth(DEVICE_STATE_TEXT[state], state);
    expect(Object.keys(SAMPLE_CODE_TEXT)).toEqual([...SAMPLE_CODES]);
    expect(Object.keys(SAMPLE_CARD_TEXT)).toEqual([...SAMPLE_CARDS]);
    for (const sample of SAMPLE_CODES) expectBoth(SAMPLE_CODE_TEXT[sample], sample);
  });

  test('notices name the device concerned', () => {
    expect(noticeText('zh-CN', { code: 'device_absent', device: 'qr-scanner' })).toBe('扫码器未连接');
    expect(noticeText('en', { code: 'device_faulty', device: 'camera' })).toBe('Camera is not working');
    expect(noticeText('en', { code: 'device_absent' })).toBe('A device is not connected');
    expect(noticeText('en', { code: 'offline' })).toBe(UI.offline.en);
  });

  test('holder fields are labelled under the site profile’s keys, with or without the holder. prefix', () => {
    const fields = HOLDER_FIELDS.filter((field) => field !== 'latinName' && field !== 'photo');
    expect(fields.length).toBeGreaterThan(0);
    for (const key of fields) {
      expectBoth(fieldLabel(`holder.${key}`), key);
      expect(fieldLabel(key)).toBe(fieldLabel(`holder.${key}`));
    }
    expect(fieldLabel('holder.birthDate')?.en).toBe('Date of birth');
    expect(fieldLabel('db')?.['zh-CN']).toBe('出生日期');
    expect(fieldLabel('holder.somethingNew')).toBeUndefined();
  });

  test('plural and numbers in the English texts', () => {
    expect(UI.wrongPin.en(1)).toBe('Wrong PIN: 1 attempt left');
    expect(UI.wrongPin.en(3)).toBe('Wrong PIN: 3 attempts left');
    expect(UI.wrongPin['zh-CN'](3)).toBe('PIN 码错误，还可尝试 3 次');
    expect(UI.clearsIn.en(5)).toBe('Clears in 5 s');
  });
});
