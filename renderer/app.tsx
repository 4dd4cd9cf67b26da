// The kiosk screen: follows main's state, shows the screen it names, and sends the visitor's,
// the scanner's and the operator's commands — all through the one KioskApi it is given.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { Command, CommandResult, KioskState, Language, OperatorStatus, SimulationAction } from '../main/api/contract.js';
import type { KioskLink, LinkState } from './api/index.js';
import { nameLanguage } from './display.js';
import { useWedgeScans } from './hooks.js';
import { UI, say } from './i18n.js';
import { OperatorConsole } from './operator/console.js';
import { PinPad } from './operator/pin-pad.js';
import { LanguageSwitch } from './parts/language-switch.js';
import { NoticeBar } from './parts/notices.js';
import { LockMark } from './parts/pictures.js';
import { LinkScreen, ReadingScreen, VerifyingScreen } from './screens/reading.js';
import { playChime } from './chime.js';
import { VerdictScreen, toneOf, verdictAnnouncement, type Tone } from './screens/verdict.js';
import { WaitingScreen } from './screens/waiting.js';
import { SimulationPanel } from './simulation.js';

/**
 * Main pushes the operator status every few seconds while the session is open; this long without
 * one means the session ended (timed out, or main restarted) and the console closes.
 */
export const OPERATOR_SILENCE_MS = 15_000;
const FLASH_MS = 6000;

export function App({ link }: { link: KioskLink }) {
  const { api } = link;
  const [state, setState] = useState<KioskState>();
  const [linkState, setLinkState] = useState<LinkState>('connecting');
  const [pinOpen, setPinOpen] = useState(false);
  const [operator, setOperator] = useState<{ readonly status: OperatorStatus | undefined }>();
  const [simulationOpen, setSimulationOpen] = useState(false);
  const [flash, setFlash] = useState<string>();
  const [announcement, setAnnouncement] = useState('');
  const operatorOpen = useRef(false);
  const operatorButton = useRef<HTMLButtonElement>(null);
  const refocusOperatorButton = useRef(false);
  const language: Language = state?.language ?? 'zh-CN';

  useEffect(() => {
    let pushed = false;
    const offState = api.onState((next) => {
      pushed = true;
      setState(next);
    });
    // Pushes only fill a console the PIN opened: the console never appears without the PIN.
    const offOperator = api.onOperator((status) => operatorOpen.current && setOperator({ status }));
    const offLink = link.onLink(setLinkState);
    api.getState().then(
      (first) => pushed || setState(first),
      () => undefined,
    );
    return () => {
      offState();
      offOperator();
      offLink();
    };
  }, [link, api]);

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  useEffect(() => {
    if (flash === undefined) return undefined;
    const timer = setTimeout(() => setFlash(undefined), FLASH_MS);
    return () => clearTimeout(timer);
  }, [flash]);

  const send = useCallback(
    async (command: Command): Promise<CommandResult | undefined> => {
      try {
        const result = await api.send(command);
        // A late press on a verdict that already cleared is nothing to report.
        if (!result.ok && result.error !== 'unknown_verdict') setFlash(say(language, UI.commandFailed));
        return result;
      } catch {
        setFlash(say(language, UI.commandFailed));
        return undefined;
      }
    },
    [api, language],
  );

  const closeOperator = useCallback(() => {
    operatorOpen.current = false;
    setOperator(undefined);
    refocusOperatorButton.current = true;
    void api.send({ type: 'operatorLogout' }).catch(() => undefined);
  }, [api]);

  useEffect(() => {
    if (!operator) return undefined;
    const timer = setTimeout(closeOperator, OPERATOR_SILENCE_MS);
    return () => clearTimeout(timer);
  }, [operator, closeOperator]);

  const verdict = state?.screen === 'verdict' ? state.verdict : undefined;
  useEffect(() => {
    if (!verdict) return;
    const tone = toneOf(verdict.result);
    if (tone !== 'neutral') playChime(tone);
    // Emptied first so that two verdicts with the same words are both announced.
    setAnnouncement('');
    const timer = setTimeout(() => setAnnouncement(verdictAnnouncement(language, verdict)), 50);
    return () => clearTimeout(timer);
    // Once per verdict: not again when it is held or the language changes.
  }, [verdict?.id]);

  useWedgeScans(!pinOpen && state !== undefined, (text) => void send({ type: 'wedgeScan', text }));

  const chooseLanguage = (next: Language) => void send({ type: 'setLanguage', language: next });
  const simulate = (step: SimulationAction) => void send({ type: 'simulate', step });
  const modal = pinOpen || operator !== undefined;
  const linkUp = linkState === 'open';

  useEffect(() => {
    // Back where the operator started, once the screen behind the dialog is no longer inert.
    if (modal || !refocusOperatorButton.current) return;
    refocusOperatorButton.current = false;
    operatorButton.current?.focus();
  }, [modal]);

  let tone: Tone = 'neutral';
  let screen;
  if (!state || !linkUp) {
    screen = <LinkScreen language={language} reconnecting={linkState === 'reconnecting' || (state !== undefined && !linkUp)} />;
  } else if (verdict) {
    tone = toneOf(verdict.result);
    screen = (
      <VerdictScreen
        language={language}
        verdict={verdict}
        onHold={() => void send({ type: 'holdVerdict', id: verdict.id })}
        onDismiss={() => void send({ type: 'dismissVerdict', id: verdict.id })}
      />
    );
  } else if (state.screen === 'reading') {
    screen = <ReadingScreen language={language} source={state.reading?.source} />;
  } else if (state.screen === 'verifying') {
    screen = <VerifyingScreen language={language} />;
  } else {
    screen = <WaitingScreen language={language} />;
  }

  return (
    <div class="kiosk" data-screen={state && linkUp ? (verdict ? 'verdict' : state.screen) : 'link'}>
      <div class={`stage tone-${tone}`} inert={modal}>
        <header class="topbar">
          <p class="site-name" lang={state ? nameLanguage(state.site.name) : undefined}>
            {state?.site.name ?? 'verikiosk'}
          </p>
          {state && linkUp && <LanguageSwitch language={language} onChoose={chooseLanguage} />}
        </header>
        {screen}
        <footer class="bottombar">
          <button type="button" class="operator-button" ref={operatorButton} onClick={() => setPinOpen(true)} disabled={!state || !linkUp}>
            <LockMark />
            {say(language, UI.operator)}
          </button>
          <NoticeBar language={language} notices={state?.notices ?? []} flash={flash} />
        </footer>
      </div>
      {state?.simulation && (
        <div class="simulation-column" inert={modal}>
          <SimulationPanel language={language} open={simulationOpen} onToggle={() => setSimulationOpen((open) => !open)} simulate={simulate} />
        </div>
      )}
      {pinOpen && (
        <PinPad
          language={language}
          signIn={(pin) => api.send({ type: 'operatorLogin', pin })}
          onSignedIn={(status) => {
            setPinOpen(false);
            operatorOpen.current = true;
            setOperator({ status });
          }}
          onCancel={() => {
            refocusOperatorButton.current = true;
            setPinOpen(false);
          }}
        />
      )}
      {operator && (
        <OperatorConsole
          language={language}
          status={operator.status}
          onLanguage={chooseLanguage}
          onSyncNow={async () => (await send({ type: 'syncNow' }))?.ok === true}
          onSignOut={closeOperator}
        />
      )}
      <div class="sr-only" aria-live="assertive" aria-atomic="true">
        {announcement}
      </div>
    </div>
  );
}
