// The keyboard-wedge detector: a scanner's burst ending in Enter is a scan, a person's typing is not.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { WedgeDetector, type WedgeDecision } from '../../../renderer/wedge.js';

/** Feeds `text` one key every `gapMs` from `start`, then Enter after another `gapMs`. */
function type(detector: WedgeDetector, text: string, gapMs: number | readonly number[], start = 1000): WedgeDecision[] {
  const gaps = typeof gapMs === 'number' ? Array.from({ length: text.length + 1 }, () => gapMs) : gapMs;
  let at = start;
  const decisions = [...text].map((key, index) => {
    if (index > 0) at += gaps[index] ?? 0;
    return detector.feed({ key, at });
  });
  at += gaps[text.length] ?? 0;
  decisions.push(detector.feed({ key: 'Enter', at }));
  return decisions;
}

const CODE = 'EID1:6BFOX N%TS3DH0 5L8 K9$ML';

describe('WedgeDetector', () => {
  test('a burst at scanner speed ending in Enter is a scan of exactly the typed text', () => {
    const decisions = type(new WedgeDetector(), CODE, 4);
    expect(decisions.at(-1)).toEqual({ kind: 'scan', text: CODE });
  });

  test('the first key of a burst passes; the rest are kept from the focused control', () => {
    const decisions = type(new WedgeDetector(), CODE, 4);
    expect(decisions[0]).toEqual({ kind: 'pass' });
    expect(decisions.slice(1, -1).every((decision) => decision.kind === 'swallow')).toBe(true);
  });

  test('a person typing (100 ms and more between keys) is never a scan and nothing is swallowed', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 8, maxLength: 60, unit: fc.constantFrom(...'ABCDEFGHIJ0123456789 :$%') }), fc.array(fc.integer({ min: 100, max: 400 }), { minLength: 61, maxLength: 61 }), (text, gaps) => {
        const decisions = type(new WedgeDetector(), text, gaps);
        return decisions.every((decision) => decision.kind === 'pass');
      }),
    );
  });

  test('the mean gap decides: 30 ms on average is a scan, 31 ms is not', () => {
    expect(type(new WedgeDetector(), '12345678', 30).at(-1)?.kind).toBe('scan');
    expect(type(new WedgeDetector(), '12345678', 31).at(-1)?.kind).toBe('pass');
  });

  test('one slow key inside a long fast scan (a USB hiccup) does not break it', () => {
    const gaps = Array.from({ length: CODE.length + 1 }, (_, index) => (index === 10 ? 120 : 5));
    expect(type(new WedgeDetector(), CODE, gaps).at(-1)).toEqual({ kind: 'scan', text: CODE });
  });

  test('fewer than 8 characters is not a scan, however fast', () => {
    expect(type(new WedgeDetector(), '1234567', 2).at(-1)).toEqual({ kind: 'pass' });
    expect(type(new WedgeDetector(), '12345678', 2).at(-1)).toEqual({ kind: 'scan', text: '12345678' });
  });

  test('a pause starts over: keys a person pressed before the scan are not part of it', () => {
    const detector = new WedgeDetector();
    detector.feed({ key: 'x', at: 0 });
    detector.feed({ key: 'y', at: 150 });
    expect(type(detector, CODE, 3, 2000).at(-1)).toEqual({ kind: 'scan', text: CODE });
  });

  test('Enter after a pause is a person pressing Enter, not the end of a scan', () => {
    const detector = new WedgeDetector();
    const decisions = [...CODE].map((key, index) => detector.feed({ key, at: index * 3 }));
    expect(decisions.at(-1)?.kind).toBe('swallow');
    expect(detector.feed({ key: 'Enter', at: CODE.length * 3 + 1000 })).toEqual({ kind: 'pass' });
  });

  test('Shift between keys (scanners press it for capitals) neither joins nor breaks the scan', () => {
    const detector = new WedgeDetector();
    let at = 0;
    for (const key of CODE) {
      if (key >= 'A' && key <= 'Z') expect(detector.feed({ key: 'Shift', at: (at += 1) })).toEqual({ kind: 'pass' });
      detector.feed({ key, at: (at += 3) });
    }
    expect(detector.feed({ key: 'Enter', at: at + 3 })).toEqual({ kind: 'scan', text: CODE });
  });

  test('auto-repeat, shortcuts, input-method composition and other keys start over', () => {
    for (const interruption of [{ key: '1', repeat: true }, { key: 'v', chord: true }, { key: 'a', composing: true }, { key: 'Tab' }, { key: 'ArrowLeft' }, { key: 'Backspace' }]) {
      const detector = new WedgeDetector();
      [...'ABCDEFGHIJ'].forEach((key, index) => detector.feed({ key, at: index * 3 }));
      expect(detector.feed({ ...interruption, at: 31 })).toEqual({ kind: 'pass' });
      expect(detector.feed({ key: 'Enter', at: 33 })).toEqual({ kind: 'pass' });
    }
  });

  test('a burst longer than a QR code can hold is not a scan', () => {
    const long = 'A'.repeat(4297);
    expect(type(new WedgeDetector(), long, 1).at(-1)).toEqual({ kind: 'pass' });
    expect(type(new WedgeDetector(), 'A'.repeat(4296), 1).at(-1)?.kind).toBe('scan');
  });

  test('characters outside the BMP count as one key', () => {
    const text = '𠀀𠀁𠀂𠀃𠀄𠀅𠀆𠀇';
    expect(type(new WedgeDetector(), text, 3).at(-1)).toEqual({ kind: 'scan', text });
  });

  test('after a scan the detector is ready for the next one', () => {
    const detector = new WedgeDetector();
    expect(type(detector, CODE, 3, 0).at(-1)?.kind).toBe('scan');
    expect(type(detector, 'HC1:NCFOXN%TS3DH', 3, 500).at(-1)).toEqual({ kind: 'scan', text: 'HC1:NCFOXN%TS3DH' });
  });

  test('options are checked when the detector is made', () => {
    expect(() => new WedgeDetector({ maxMeanGapMs: 0 })).toThrow(/maxMeanGapMs must be a positive number/);
    expect(() => new WedgeDetector({ minLength: Number.NaN })).toThrow(/minLength/);
    expect(type(new WedgeDetector({ minLength: 3, maxMeanGapMs: 50 }), 'abc', 45).at(-1)).toEqual({ kind: 'scan', text: 'abc' });
  });
});
