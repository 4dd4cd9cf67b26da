// The verdict: one colour filling the screen, a big mark and a big word (readable at two metres),
// the reasons as plain sentences, the holder as the site profile lets the clerk see them, and
// the hold / done buttons with the countdown to auto-clear.
import type { HolderView, Language, Result, VerdictView } from '../../main/api/contract.js';
import { maskedParts, nameLanguage, secondsUntil } from '../display.js';
import { DOCUMENT_TYPE_TEXT, fieldLabel, FORMAT_TEXT, REASON_TEXT, RESULT_TEXT, SOURCE_TEXT, UI, say } from '../i18n.js';
import { useNow } from '../hooks.js';
import { VerdictMark } from '../parts/pictures.js';

export type Tone = 'valid' | 'invalid' | 'caution' | 'neutral';

export function toneOf(result: Result): Tone {
  return result === 'valid' ? 'valid' : result === 'invalid' ? 'invalid' : 'caution';
}

/** What a screen reader says when the verdict appears. */
export function verdictAnnouncement(language: Language, verdict: VerdictView): string {
  const text = RESULT_TEXT[verdict.result];
  return [say(language, text.word), say(language, text.summary), ...verdict.reasons.map((reason) => say(language, REASON_TEXT[reason]))].join(' ');
}

export function VerdictScreen({ language, verdict, onHold, onDismiss }: { language: Language; verdict: VerdictView; onHold: () => void; onDismiss: () => void }) {
  const text = RESULT_TEXT[verdict.result];
  return (
    <main class={verdict.holder ? 'screen verdict has-holder' : 'screen verdict'} aria-labelledby="screen-title" data-result={verdict.result}>
      <section class="verdict-call">
        <VerdictMark result={verdict.result} class="verdict-mark" />
        <div>
          <h1 id="screen-title" class="verdict-word">
            {say(language, text.word)}
          </h1>
          <p class="verdict-summary">{say(language, text.summary)}</p>
        </div>
      </section>
      {verdict.reasons.length > 0 && (
        <section class="reasons" aria-labelledby="reasons-title" tabIndex={0}>
          <h2 id="reasons-title" class="section-title">
            {say(language, UI.reasons)}
          </h2>
          <ul>
            {verdict.reasons.map((reason) => (
              <li key={reason} data-reason={reason}>
                {say(language, REASON_TEXT[reason])}
              </li>
            ))}
          </ul>
        </section>
      )}
      {verdict.holder && <HolderCard language={language} holder={verdict.holder} verdict={verdict} />}
      <VerdictActions language={language} verdict={verdict} onHold={onHold} onDismiss={onDismiss} />
    </main>
  );
}

function HolderCard({ language, holder, verdict }: { language: Language; holder: HolderView; verdict: VerdictView }) {
  const documentType = DOCUMENT_TYPE_TEXT[holder.documentType];
  return (
    <section class="holder" aria-labelledby="holder-title" tabIndex={0}>
      <h2 id="holder-title" class="sr-only">
        {say(language, UI.holder)}
      </h2>
      {holder.photo && <img class="holder-photo" src={holder.photo} alt={say(language, UI.photo)} />}
      <dl class="holder-facts">
        <div class="fact fact-wide fact-name">
          <dt>{say(language, UI.name)}</dt>
          <dd lang={nameLanguage(holder.name)}>{holder.name}</dd>
        </div>
        {holder.latinName && (
          <div class="fact fact-wide">
            <dt>{say(language, UI.latinName)}</dt>
            <dd>{holder.latinName}</dd>
          </div>
        )}
        <div class="fact fact-wide">
          <dt>{say(language, UI.documentType)}</dt>
          <dd>{documentType ? say(language, documentType) : holder.documentType}</dd>
        </div>
        {holder.maskedNumber && (
          <div class="fact fact-wide fact-number">
            <dt>{say(language, UI.documentNumber)}</dt>
            <dd>
              <MaskedNumber language={language} number={holder.maskedNumber} />
            </dd>
          </div>
        )}
        {holder.fields.map((field) => {
          const label = fieldLabel(field.key);
          // Short values (dates, sex) pair up; an address takes the whole width.
          return (
            <div class={field.value.length <= 12 ? 'fact' : 'fact fact-wide'} key={field.key}>
              <dt>{label ? say(language, label) : field.key}</dt>
              <dd>{field.value}</dd>
            </div>
          );
        })}
        <div class="fact fact-wide fact-minor">
          <dt>{say(language, UI.readBy)}</dt>
          <dd>
            {say(language, SOURCE_TEXT[verdict.source])} · {say(language, FORMAT_TEXT[verdict.format])}
          </dd>
        </div>
      </dl>
    </section>
  );
}

/** `110105********002X`, with the hidden part dimmed and said as "8 hidden" to a screen reader. */
export function MaskedNumber({ language, number }: { language: Language; number: string }) {
  const parts = maskedParts(number);
  return (
    <span class="masked-number">
      <span aria-hidden="true">
        {parts.head}
        <span class="masked-stars">{'*'.repeat(parts.hidden)}</span>
        {parts.tail}
      </span>
      <span class="sr-only">{[parts.head, say(language, UI.hiddenDigits)(parts.hidden), parts.tail].filter(Boolean).join(', ')}</span>
    </span>
  );
}

function VerdictActions({ language, verdict, onHold, onDismiss }: { language: Language; verdict: VerdictView; onHold: () => void; onDismiss: () => void }) {
  const now = useNow(250);
  const clearsAt = verdict.held ? undefined : verdict.clearsAt;
  const total = clearsAt !== undefined ? Math.max(1, clearsAt - verdict.at) : 1;
  const left = clearsAt !== undefined ? Math.min(1, Math.max(0, (clearsAt - now) / total)) : 0;
  return (
    <div class="verdict-actions">
      <div class="buttons">
        {!verdict.held && (
          <button type="button" class="button secondary" onClick={onHold}>
            {say(language, UI.hold)}
          </button>
        )}
        <button type="button" class="button primary" onClick={onDismiss}>
          {say(language, UI.dismiss)}
        </button>
      </div>
      <div class="countdown">
        {verdict.held ? (
          <p>{say(language, UI.held)}</p>
        ) : clearsAt !== undefined ? (
          <>
            <p>{say(language, UI.clearsIn)(secondsUntil(clearsAt, now))}</p>
            <div class="countdown-track" aria-hidden="true">
              <div class="countdown-fill" style={{ transform: `scaleX(${left.toFixed(3)})` }} />
            </div>
          </>
        ) : null}
      </div>
    </div>
  );
}
