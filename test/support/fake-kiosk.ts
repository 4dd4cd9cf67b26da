// A stand-in for main/kiosk's service in shell and browser-mode tests: records the commands that
// reach it, answers them with a scripted result, and emits state/operator pushes on demand.
import { EventEmitter } from 'node:events';
import type { CommandResult, KioskState, OperatorStatus } from '../../main/api/contract.js';
import type { KioskEvents } from '../../main/kiosk/index.js';

export const WAITING: KioskState = {
  screen: 'waiting',
  language: 'zh-CN',
  site: { profile: 'hotel', name: 'Test Hotel' },
  simulation: true,
  notices: [],
};

export const OPERATOR: OperatorStatus = {
  deviceId: '00000000-0000-4000-8000-000000000000',
  version: '0.1.0',
  devices: [{ device: 'card-reader', state: 'simulated' }],
  sync: { state: 'online', backlog: 0 },
  clock: { trusted: true },
  recent: [],
};

export class FakeKiosk {
  current: KioskState = WAITING;
  readonly received: unknown[] = [];
  answer: (command: unknown) => Promise<CommandResult> = async () => ({ ok: true });
  private readonly events = new EventEmitter();

  state(): KioskState {
    return this.current;
  }

  handle(command: unknown): Promise<CommandResult> {
    this.received.push(command);
    return this.answer(command);
  }

  on<E extends keyof KioskEvents>(event: E, listener: (payload: KioskEvents[E]) => void): () => void {
    this.events.on(event, listener);
    return () => this.events.off(event, listener);
  }

  listenerCount(event: keyof KioskEvents): number {
    return this.events.listenerCount(event);
  }

  push(state: KioskState): void {
    this.current = state;
    this.events.emit('state', state);
  }

  pushOperator(status: OperatorStatus): void {
    this.events.emit('operator', status);
  }
}
