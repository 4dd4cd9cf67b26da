// The operator's PIN pad: digits on screen and from the keyboard, attempts left after a wrong PIN,
// and until when it is locked. Main checks the PIN (slow KDF, lock-out); the pad only collects it.
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { CommandResult, Language, OperatorStatus } from '../../main/api/contract.js';
import { formatTime } from '../display.js';
import { useNow } from '../hooks.js';
import { UI, say } from '../i18n.js';

const MIN_DIGITS = 4;
const MAX_DIGITS = 12;
const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

type Refusal = { readonly kind: 'wrong'; readonly left?: number | undefined } | { readonly kind: 'locked'; readonly until?: number | undefined } | { readonly kind: 'failed' };

export interface PinPadProps {
  readonly language: Language;
  readonly signIn: (pin: string) => Promise<CommandResult>;
  readonly onSignedIn: (status: OperatorStatus | undefined) => void;
  readonly onCancel: () => void;
}

export function PinPad({ language, signIn, onSignedIn, onCancel }: PinPadProps) {
  const [pin, setPin] = useState('');
  const [refusal, setRefusal] = useState<Refusal>();
  const [busy, setBusy] = useState(false);
  const now = useNow(1000);
  const dialog = useRef<HTMLDivElement>(null);
  const locked = refusal?.kind === 'locked' && (refusal.until === undefined || refusal.until > now);
  const canSubmit = !busy && !locked && pin.length >= MIN_DIGITS;

  const type = (digit: string) => {
    if (locked) return;
    setPin((current) => (current.length < MAX_DIGITS ? current + digit : current));
  };

  const submit = async () => {
    if (!canSubmit) return;
    setBusy(true);
    try {
      const result = await signIn(pin);
      if (result.ok) {
        onSignedIn(result.operator);
        return;
      }
      setRefusal(
        result.error === 'wrong_pin' ? { kind: 'wrong', left: result.attemptsLeft } : result.error === 'locked_out' ? { kind: 'locked', until: result.lockedUntil } : { kind: 'failed' },
      );
    } catch {
      setRefusal({ kind: 'failed' });
    }
    // A refused PIN is not kept for another try: the next attempt starts from nothing.
    setPin('');
    setBusy(false);
  };

  const latest = useRef({ type, submit, onCancel });
  latest.current = { type, submit, onCancel };
  // Layout effect: listening from the moment the pad is on screen, so no early digit is lost.
  useLayoutEffect(() => {
    dialog.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.altKey || event.metaKey) return;
      if (/^[0-9]$/.test(event.key)) {
        event.preventDefault();
        latest.current.type(event.key);
      } else if (event.key === 'Backspace') {
        event.preventDefault();
        setPin((current) => current.slice(0, -1));
      } else if (event.key === 'Escape') {
        event.preventDefault();
        latest.current.onCancel();
      } else if (event.key === 'Enter' && !(event.target instanceof HTMLButtonElement)) {
        // Enter on a focused button presses that button; anywhere else it signs in.
        event.preventDefault();
        void latest.current.submit();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const message =
    refusal === undefined
      ? ''
      : refusal.kind === 'wrong'
        ? refusal.left !== undefined
          ? say(language, UI.wrongPin)(refusal.left)
          : say(language, UI.wrongPinNoCount)
        : refusal.kind === 'locked'
          ? refusal.until !== undefined
            ? locked
              ? say(language, UI.lockedUntil)(formatTime(refusal.until, language, now))
              : ''
            : say(language, UI.locked)
          : say(language, UI.commandFailed);

  return (
    <div class="overlay">
      <div class="dialog pin-pad" role="dialog" aria-modal="true" aria-labelledby="pin-title" tabIndex={-1} ref={dialog}>
        <h1 id="pin-title" class="dialog-title">
          {say(language, UI.operatorSignIn)}
        </h1>
        <p class="pin-prompt">{say(language, UI.enterPin)}</p>
        <div class={pin.length > 0 ? 'pin-display' : 'pin-display empty'} aria-hidden="true">
          {pin.length > 0 ? '●'.repeat(pin.length) : '○'.repeat(MIN_DIGITS)}
        </div>
        <p class="sr-only" aria-live="polite">
          {say(language, UI.pinDigits)(pin.length)}
        </p>
        <p class={locked ? 'pin-message locked' : 'pin-message'} role="alert">
          {message}
        </p>
        <div class="keypad">
          {KEYS.map((digit) => (
            <button type="button" key={digit} class="key" disabled={locked} onClick={() => type(digit)}>
              {digit}
            </button>
          ))}
          <button type="button" class="key key-word" disabled={locked || pin.length === 0} onClick={() => setPin('')}>
            {say(language, UI.clear)}
          </button>
          <button type="button" class="key" disabled={locked} onClick={() => type('0')}>
            0
          </button>
          <button type="button" class="key key-word" disabled={locked || pin.length === 0} onClick={() => setPin((current) => current.slice(0, -1))}>
            {say(language, UI.deleteDigit)}
          </button>
        </div>
        <div class="dialog-actions">
          <button type="button" class="button secondary" onClick={onCancel}>
            {say(language, UI.cancel)}
          </button>
          <button type="button" class="button primary" disabled={!canSubmit} onClick={() => void submit()}>
            {say(language, UI.signIn)}
          </button>
        </div>
      </div>
    </div>
  );
}
