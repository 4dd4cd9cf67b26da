// The screens between presenting and the verdict: reading (keep the card or phone still) and
// verifying. Both are short; they exist so nobody lifts the card half-way through a read.
import type { DocumentSource, Language } from '../../main/api/contract.js';
import { UI, say } from '../i18n.js';
import { CardOnReader, PhoneUnderScanner } from '../parts/pictures.js';

export function ReadingScreen({ language, source }: { language: Language; source: DocumentSource | undefined }) {
  const card = source === 'card-reader';
  return (
    <main class="screen busy" aria-labelledby="screen-title" aria-busy="true">
      {card ? <CardOnReader class="picture pulse" /> : <PhoneUnderScanner class="picture pulse" />}
      <h1 id="screen-title" class="title">
        {say(language, UI.reading)}
        <span class="dots" aria-hidden="true" />
      </h1>
      <p class="subtitle">{say(language, card ? UI.readingCard : UI.readingCode)}</p>
    </main>
  );
}

export function VerifyingScreen({ language }: { language: Language }) {
  return (
    <main class="screen busy" aria-labelledby="screen-title" aria-busy="true">
      <div class="spinner" aria-hidden="true" />
      <h1 id="screen-title" class="title">
        {say(language, UI.verifying)}
        <span class="dots" aria-hidden="true" />
      </h1>
      <p class="subtitle">{say(language, UI.verifyingHint)}</p>
    </main>
  );
}

/** Before main has answered, and whenever the link to it is down: never show a stale verdict. */
export function LinkScreen({ language, reconnecting }: { language: Language; reconnecting: boolean }) {
  return (
    <main class="screen busy" aria-labelledby="screen-title" aria-busy="true">
      <div class="spinner" aria-hidden="true" />
      <h1 id="screen-title" class="title">
        {say(language, reconnecting ? UI.reconnecting : UI.starting)}
        <span class="dots" aria-hidden="true" />
      </h1>
      {reconnecting && <p class="subtitle">{say(language, UI.reconnectingHint)}</p>}
    </main>
  );
}
