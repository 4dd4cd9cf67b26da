// The visitor's language switch: both languages always shown, each written in itself, on every
// screen; pressing one asks main to switch (the state main sends back is what the screen shows).
import type { Language } from '../../main/api/contract.js';
import { LANGUAGE_NAMES, LANGUAGE_ORDER, UI, say } from '../i18n.js';

export function LanguageSwitch({ language, onChoose }: { language: Language; onChoose: (language: Language) => void }) {
  return (
    <div class="language-switch" role="group" aria-label={say(language, UI.language)}>
      {LANGUAGE_ORDER.map((choice) => (
        <button type="button" key={choice} lang={choice} aria-pressed={choice === language} onClick={() => choice !== language && onChoose(choice)}>
          {say(choice, LANGUAGE_NAMES)}
        </button>
      ))}
    </div>
  );
}
