// The verdict chime: each kind of result has its own pattern, scheduled back to back on WebAudio.
import { describe, expect, test } from 'vitest';
import { CHIMES, playNotes, type Chime, type ChimeContext } from '../../../renderer/chime.js';
import { toneOf } from '../../../renderer/screens/verdict.js';
import { RESULTS } from '../../../main/verify/reasons.js';

/** Records what a chime schedules, in place of an AudioContext. */
function recordingContext() {
  const notes: { hz: number; start: number; stop: number }[] = [];
  const param = () => ({ setValueAtTime: () => undefined, exponentialRampToValueAtTime: () => undefined });
  const context = {
    currentTime: 5,
    destination: {},
    createGain: () => ({ gain: param(), connect: (next: unknown) => next }),
    createOscillator: () => {
      const note = { hz: 0, start: 0, stop: 0 };
      notes.push(note);
      return {
        type: 'sine',
        frequency: { setValueAtTime: (hz: number) => (note.hz = hz) },
        connect: (next: unknown) => next,
        start: (at: number) => (note.start = at),
        stop: (at: number) => (note.stop = at),
      };
    },
  } as unknown as ChimeContext;
  return { context, notes };
}

describe('verdict chime', () => {
  test('every result has a chime, and valid, invalid and the rest sound different', () => {
    for (const result of RESULTS) expect(CHIMES[toneOf(result) as Chime].length).toBeGreaterThan(0);
    const patterns = new Set(['valid', 'invalid', 'caution'].map((c) => JSON.stringify(CHIMES[c as keyof typeof CHIMES])));
    expect(patterns.size).toBe(3);
    expect(toneOf('unreadable')).toBe('caution');
    expect(toneOf('cannot_validate')).toBe('caution');
  });

  test('notes are scheduled one after another from now, none overlapping, each stopped', () => {
    const { context, notes } = recordingContext();
    playNotes(context, CHIMES.invalid);
    expect(notes.map((n) => n.hz)).toEqual(CHIMES.invalid.map((n) => n.hz));
    expect(notes[0]!.start).toBeGreaterThanOrEqual(5);
    for (let i = 1; i < notes.length; i++) expect(notes[i]!.start).toBeGreaterThanOrEqual(notes[i - 1]!.start + CHIMES.invalid[i - 1]!.ms / 1000);
    for (const n of notes) expect(n.stop).toBeGreaterThan(n.start);
  });
});
