// Small hooks the screens share: a ticking clock for countdowns, and the keyboard-wedge listener
// that turns a scanner's burst of keystrokes into a scan wherever focus is.
import { useEffect, useRef, useState } from 'preact/hooks';
import { WedgeDetector } from './wedge.js';

/** `Date.now()`, refreshed every `everyMs` while the component is shown. */
export function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/**
 * Listens on the whole window, in the capture phase so no control sees a scanner's keys first.
 * Keys that belong to a burst are kept from the focused control, including their key-up (a space
 * in a code would otherwise press the focused button when released).
 */
export function listenForWedgeScans(target: Window, onScan: (text: string) => void, detector = new WedgeDetector()): () => void {
  const swallowed = new Set<string>();
  const down = (event: KeyboardEvent) => {
    const decision = detector.feed({
      key: event.key,
      at: event.timeStamp,
      repeat: event.repeat,
      chord: event.ctrlKey || event.altKey || event.metaKey,
      composing: event.isComposing,
    });
    if (decision.kind === 'pass') return;
    event.preventDefault();
    event.stopPropagation();
    swallowed.add(event.code || event.key);
    if (decision.kind === 'scan') onScan(decision.text);
  };
  const up = (event: KeyboardEvent) => {
    if (!swallowed.delete(event.code || event.key)) return;
    event.preventDefault();
    event.stopPropagation();
  };
  target.addEventListener('keydown', down, true);
  target.addEventListener('keyup', up, true);
  return () => {
    target.removeEventListener('keydown', down, true);
    target.removeEventListener('keyup', up, true);
    detector.reset();
  };
}

/** The wedge listener while `enabled` (off while the PIN pad needs the keyboard). */
export function useWedgeScans(enabled: boolean, onScan: (text: string) => void): void {
  const latest = useRef(onScan);
  latest.current = onScan;
  useEffect(() => {
    if (!enabled) return undefined;
    return listenForWedgeScans(window, (text) => latest.current(text));
  }, [enabled]);
}
