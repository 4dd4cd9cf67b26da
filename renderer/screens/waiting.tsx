// The waiting screen: what to present, in pictures first — the ID card on the reader, or the
// phone's ID code under the scanner.
import type { Language } from '../../main/api/contract.js';
import { UI, say } from '../i18n.js';
import { CardOnReader, PhoneUnderScanner } from '../parts/pictures.js';

export function WaitingScreen({ language }: { language: Language }) {
  return (
    <main class="screen waiting" aria-labelledby="screen-title">
      <h1 id="screen-title" class="title">
        {say(language, UI.present)}
      </h1>
      <p class="subtitle">{say(language, UI.presentHint)}</p>
      <div class="ways">
        <figure class="way">
          <CardOnReader class="picture" />
          <figcaption>{say(language, UI.placeCard)}</figcaption>
        </figure>
        <p class="or" aria-hidden="true">
          {say(language, UI.or)}
        </p>
        <figure class="way">
          <PhoneUnderScanner class="picture" />
          <figcaption>{say(language, UI.showCode)}</figcaption>
        </figure>
      </div>
    </main>
  );
}
