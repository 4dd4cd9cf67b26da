// The verdict chime from the screen's own speaker, beside the GPIO buzzer (which a site may not
// have wired): a rising pair for valid, two long low tones for invalid, three short mid tones
// for "ask the clerk" — told apart by ear, without looking.
import type { Tone } from './screens/verdict.js';

export interface Note {
  readonly hz: number;
  readonly ms: number;
  /** Silence after the note. */
  readonly gapMs: number;
}

/** The verdict tones that sound; the screen's tone decides which (screens/verdict.tsx toneOf). */
export type Chime = Exclude<Tone, 'neutral'>;

export const CHIMES: Readonly<Record<Chime, readonly Note[]>> = {
  valid: [
    { hz: 880, ms: 110, gapMs: 0 },
    { hz: 1320, ms: 190, gapMs: 0 },
  ],
  invalid: [
    { hz: 300, ms: 320, gapMs: 120 },
    { hz: 300, ms: 320, gapMs: 0 },
  ],
  caution: [
    { hz: 660, ms: 110, gapMs: 90 },
    { hz: 660, ms: 110, gapMs: 90 },
    { hz: 660, ms: 110, gapMs: 0 },
  ],
};

/** The part of WebAudio a chime needs (a fake stands in for it in tests). */
export type ChimeContext = Pick<BaseAudioContext, 'currentTime' | 'destination' | 'createOscillator' | 'createGain'>;

const PEAK = 0.25;
const FLOOR = 0.0001;

/** Schedules `notes` on `context`, each with a short attack and decay so it does not click. */
export function playNotes(context: ChimeContext, notes: readonly Note[]): void {
  let at = context.currentTime + 0.01;
  for (const note of notes) {
    const end = at + note.ms / 1000;
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = 'sine';
    oscillator.frequency.setValueAtTime(note.hz, at);
    gain.gain.setValueAtTime(FLOOR, at);
    gain.gain.exponentialRampToValueAtTime(PEAK, at + 0.01);
    gain.gain.exponentialRampToValueAtTime(FLOOR, end);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(at);
    oscillator.stop(end + 0.02);
    at = end + note.gapMs / 1000;
  }
}

let shared: AudioContext | undefined;

/**
 * Plays the chime for a verdict. A screen that may not make sound (no audio device, or a browser
 * autoplay policy without the kiosk's flag) stays silent: the lights and the screen still speak.
 */
export function playChime(tone: Chime): void {
  try {
    shared ??= new AudioContext();
    if (shared.state === 'suspended') void shared.resume().catch(() => undefined);
    playNotes(shared, CHIMES[tone]);
  } catch {
    // Silence is the fallback, never an error on the kiosk screen.
  }
}
