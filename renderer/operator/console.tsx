// The operator console: device health, the trust and status lists with their countdown to
// staleness, sync and audit backlog, a manual sync, language, and recent verdicts — no personal data.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Language, ListView, OperatorStatus } from '../../main/api/contract.js';
import { formatDuration, formatTime } from '../display.js';
import { useNow } from '../hooks.js';
import { DEVICE_STATE_TEXT, DEVICE_TEXT, FORMAT_TEXT, REASON_TEXT, RESULT_TEXT, SOURCE_TEXT, SYNC_STATE_TEXT, UI, say } from '../i18n.js';
import { LanguageSwitch } from '../parts/language-switch.js';
import { toneOf } from '../screens/verdict.js';

export interface OperatorConsoleProps {
  readonly language: Language;
  readonly status: OperatorStatus | undefined;
  readonly onLanguage: (language: Language) => void;
  readonly onSyncNow: () => Promise<boolean>;
  readonly onSignOut: () => void;
}

/** Under a day to go counts as "soon": the clerk still has a working day to get the kiosk online. */
const SOON_MS = 24 * 3_600_000;

export function OperatorConsole({ language, status, onLanguage, onSyncNow, onSignOut }: OperatorConsoleProps) {
  const now = useNow(1000);
  const dialog = useRef<HTMLDivElement>(null);
  const [syncAnswer, setSyncAnswer] = useState<string>();
  useEffect(() => dialog.current?.focus(), []);

  const syncNow = async () => {
    setSyncAnswer(undefined);
    const ok = await onSyncNow();
    setSyncAnswer(say(language, ok ? UI.syncStarted : UI.commandFailed));
  };

  return (
    <div class="overlay console-overlay">
      <div class="dialog console" role="dialog" aria-modal="true" aria-labelledby="console-title" tabIndex={-1} ref={dialog}>
        <div class="console-head">
          <div>
            <h1 id="console-title" class="dialog-title">
              {say(language, UI.console)}
            </h1>
            {status && (
              <p class="console-meta">
                {say(language, UI.deviceId)} {status.deviceId} · {say(language, UI.version)} {status.version}
              </p>
            )}
          </div>
          <LanguageSwitch language={language} onChoose={onLanguage} />
          <button type="button" class="button secondary" onClick={onSignOut}>
            {say(language, UI.signOut)}
          </button>
        </div>
        {status ? (
          <div class="console-grid">
            <section class="panel" aria-labelledby="devices-title">
              <h2 id="devices-title">{say(language, UI.devices)}</h2>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{say(language, UI.device)}</th>
                    <th scope="col">{say(language, UI.state)}</th>
                    <th scope="col">{say(language, UI.check)}</th>
                  </tr>
                </thead>
                <tbody>
                  {status.devices.map((device) => (
                    <tr key={device.device}>
                      <th scope="row">{say(language, DEVICE_TEXT[device.device])}</th>
                      <td>
                        <span class={`pill pill-${device.state === 'ready' || device.state === 'simulated' ? 'ok' : device.state === 'disabled' ? 'off' : 'bad'}`}>
                          {say(language, DEVICE_STATE_TEXT[device.state])}
                        </span>
                      </td>
                      <td>{device.why ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>

            <section class="panel" aria-labelledby="lists-title">
              <h2 id="lists-title">{say(language, UI.lists)}</h2>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{say(language, UI.list)}</th>
                    <th scope="col">{say(language, UI.sequence)}</th>
                    <th scope="col">{say(language, UI.issued)}</th>
                    <th scope="col">{say(language, UI.entries)}</th>
                    <th scope="col">{say(language, UI.staleIn)}</th>
                  </tr>
                </thead>
                <tbody>
                  <ListRow language={language} name={say(language, UI.trustList)} list={status.trustList} now={now} />
                  <ListRow language={language} name={say(language, UI.statusList)} list={status.statusList} now={now} />
                </tbody>
              </table>
            </section>

            <section class="panel" aria-labelledby="sync-title">
              <h2 id="sync-title">{say(language, UI.sync)}</h2>
              <dl class="facts">
                <div>
                  <dt>{say(language, UI.syncState)}</dt>
                  <dd>
                    <span class={`pill pill-${status.sync.state === 'online' ? 'ok' : status.sync.state === 'disabled' ? 'off' : 'bad'}`}>{say(language, SYNC_STATE_TEXT[status.sync.state])}</span>
                  </dd>
                </div>
                <div>
                  <dt>{say(language, UI.lastSync)}</dt>
                  <dd>
                    {status.sync.lastSuccessAt !== undefined
                      ? `${formatTime(status.sync.lastSuccessAt, language, now)} (${say(language, UI.ago)(formatDuration(now - status.sync.lastSuccessAt, language))})`
                      : say(language, UI.never)}
                  </dd>
                </div>
                <div>
                  <dt>{say(language, UI.backlog)}</dt>
                  <dd data-testid="backlog">{status.sync.backlog}</dd>
                </div>
                {status.sync.lastError && (
                  <div>
                    <dt>{say(language, UI.lastError)}</dt>
                    <dd>{status.sync.lastError}</dd>
                  </div>
                )}
                {status.sync.enrolled === false && (
                  <div>
                    <dt>{say(language, UI.enrolment)}</dt>
                    <dd data-testid="enrolment">
                      <span class="pill pill-bad">{say(language, UI.notEnrolledShort)}</span>
                      {status.sync.enrolmentError ? ` ${say(language, UI.enrolmentRefused)(status.sync.enrolmentError)}` : ''}
                    </dd>
                  </div>
                )}
                <div>
                  <dt>{say(language, UI.clock)}</dt>
                  <dd>
                    {say(language, status.clock.trusted ? UI.clockTrusted : UI.clockUntrusted)}
                    {status.clock.source ? ` (${status.clock.source})` : ''}
                  </dd>
                </div>
              </dl>
              <div class="sync-row">
                <button type="button" class="button primary" onClick={() => void syncNow()} disabled={status.sync.state === 'disabled'}>
                  {say(language, UI.syncNow)}
                </button>
                <p role="status" class="sync-answer">
                  {syncAnswer ?? ''}
                </p>
              </div>
            </section>

            <section class="panel" aria-labelledby="recent-title">
              <h2 id="recent-title">{say(language, UI.recent)}</h2>
              {status.recent.length === 0 ? (
                <p>{say(language, UI.noneYet)}</p>
              ) : (
                <table class="recent">
                  <thead>
                    <tr>
                      <th scope="col">{say(language, UI.time)}</th>
                      <th scope="col">{say(language, UI.result)}</th>
                      <th scope="col">{say(language, UI.reasons)}</th>
                      <th scope="col">{say(language, UI.source)}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {status.recent.map((entry, index) => (
                      <tr key={`${entry.at}-${index}`}>
                        <td class="nowrap">{formatTime(entry.at, language, now)}</td>
                        <td>
                          <span class={`pill pill-${toneOf(entry.result)}`}>{say(language, RESULT_TEXT[entry.result].word)}</span>
                        </td>
                        <td>{entry.reasons.map((reason) => say(language, REASON_TEXT[reason])).join(' ')}</td>
                        <td>
                          {say(language, SOURCE_TEXT[entry.source])} · {say(language, FORMAT_TEXT[entry.format])}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
          </div>
        ) : (
          <p class="console-wait" aria-busy="true">
            …
          </p>
        )}
      </div>
    </div>
  );
}

function ListRow({ language, name, list, now }: { language: Language; name: string; list: ListView | undefined; now: number }) {
  if (!list) {
    return (
      <tr>
        <th scope="row">{name}</th>
        <td colSpan={4}>
          <span class="pill pill-bad">{say(language, UI.noList)}</span>
        </td>
      </tr>
    );
  }
  const left = list.staleAt - now;
  const health = left <= 0 ? 'bad' : left < SOON_MS || now > list.nextUpdate ? 'warn' : 'ok';
  return (
    <tr>
      <th scope="row">{name}</th>
      <td>{list.seq}</td>
      <td>{say(language, UI.ago)(formatDuration(now - list.issuedAt, language))}</td>
      <td>{list.entries ?? '—'}</td>
      <td>
        <span class={`pill pill-${health}`} data-testid="stale-in">
          {left <= 0 ? `${say(language, UI.stale)} (${say(language, UI.ago)(formatDuration(-left, language))})` : formatDuration(left, language)}
        </span>
      </td>
    </tr>
  );
}
