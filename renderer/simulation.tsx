// The simulation panel (only when main runs simulated devices): present sample codes and cards,
// lift the card, unplug and replug devices. A side column beside the screen, so it narrows the
// verdict colour but never covers it.
import { useState } from 'preact/hooks';
import type { DeviceName, Language, SimulationAction } from '../main/api/contract.js';
import { DEVICE_TEXT, SAMPLE_CARD_TEXT, SAMPLE_CODE_TEXT, SOURCE_TEXT, UI, say } from './i18n.js';

type Via = Extract<SimulationAction, { action: 'presentCode' }>['via'];
type SampleCode = Extract<SimulationAction, { action: 'presentCode' }>['sample'];
type SampleCard = Extract<SimulationAction, { action: 'presentCard' }>['sample'];

const CODES = Object.keys(SAMPLE_CODE_TEXT) as SampleCode[];
const CARDS = Object.keys(SAMPLE_CARD_TEXT) as SampleCard[];
const DEVICES = Object.keys(DEVICE_TEXT) as DeviceName[];
const VIAS: readonly Via[] = ['qr-scanner', 'camera'];

export interface SimulationPanelProps {
  readonly language: Language;
  readonly open: boolean;
  readonly onToggle: () => void;
  readonly simulate: (step: SimulationAction) => void;
}

export function SimulationPanel({ language, open, onToggle, simulate }: SimulationPanelProps) {
  const [via, setVia] = useState<Via>('qr-scanner');
  return (
    <aside class={open ? 'simulation open' : 'simulation'} aria-label={say(language, UI.simulationPanel)}>
      <button type="button" class="simulation-toggle" aria-expanded={open} aria-controls="simulation-body" onClick={onToggle}>
        <span aria-hidden="true">{open ? '›' : '‹'}</span> {say(language, UI.simulation)}
        <span class="sr-only"> — {say(language, open ? UI.hidePanel : UI.showPanel)}</span>
      </button>
      <div id="simulation-body" class="simulation-body" hidden={!open}>
        <h2>{say(language, UI.simulationPanel)}</h2>
        <section aria-labelledby="sim-codes">
          <h3 id="sim-codes">{say(language, UI.codes)}</h3>
          <fieldset class="via">
            <legend>{say(language, UI.via)}</legend>
            {VIAS.map((choice) => (
              <label key={choice}>
                <input type="radio" name="sim-via" value={choice} checked={via === choice} onChange={() => setVia(choice)} />
                {say(language, SOURCE_TEXT[choice])}
              </label>
            ))}
          </fieldset>
          <div class="sim-buttons">
            {CODES.map((sample) => (
              <button type="button" key={sample} data-sample={sample} onClick={() => simulate({ action: 'presentCode', sample, via })}>
                {say(language, SAMPLE_CODE_TEXT[sample])}
              </button>
            ))}
          </div>
        </section>
        <section aria-labelledby="sim-cards">
          <h3 id="sim-cards">{say(language, UI.cards)}</h3>
          <div class="sim-buttons">
            {CARDS.map((sample) => (
              <button type="button" key={sample} data-sample={sample} onClick={() => simulate({ action: 'presentCard', sample })}>
                {say(language, SAMPLE_CARD_TEXT[sample])}
              </button>
            ))}
            <button type="button" class="sim-lift" onClick={() => simulate({ action: 'liftCard' })}>
              {say(language, UI.liftCard)}
            </button>
          </div>
        </section>
        <section aria-labelledby="sim-plugs">
          <h3 id="sim-plugs">{say(language, UI.plugs)}</h3>
          <ul class="sim-devices">
            {DEVICES.map((device) => (
              <li key={device}>
                <span>{say(language, DEVICE_TEXT[device])}</span>
                <button type="button" data-unplug={device} aria-label={`${say(language, UI.unplug)} ${say(language, DEVICE_TEXT[device])}`} onClick={() => simulate({ action: 'unplug', device })}>
                  {say(language, UI.unplug)}
                </button>
                <button type="button" data-replug={device} aria-label={`${say(language, UI.replug)} ${say(language, DEVICE_TEXT[device])}`} onClick={() => simulate({ action: 'replug', device })}>
                  {say(language, UI.replug)}
                </button>
              </li>
            ))}
          </ul>
        </section>
      </div>
    </aside>
  );
}
