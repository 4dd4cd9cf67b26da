// The shell's IPC handlers: only our window's top frame on app://kiosk is answered, every
// argument is checked with the contract's zod schemas before the kiosk service sees it.
import { beforeEach, describe, expect, it } from 'vitest';
import type { WebContents } from 'electron';
import { IPC_CHANNELS } from '../../../main/api/channels.js';
import { SenderRefused, isKioskSender, serveKioskIpc } from '../../../main/shell/ipc.js';
import { FakeKiosk, OPERATOR, WAITING } from '../../support/fake-kiosk.js';
import { StubFrame, StubWebContents, stubElectron } from './stub-electron.js';
import type { ElectronStub } from './stub-electron.js';

let stub: ElectronStub;
let kiosk: FakeKiosk;
let contents: StubWebContents;
const refusals: string[] = [];

beforeEach(() => {
  stub = stubElectron();
  kiosk = new FakeKiosk();
  contents = new StubWebContents();
  refusals.length = 0;
  serveKioskIpc(stub.electron.ipcMain, {
    service: kiosk,
    contents: contents as unknown as WebContents,
    onRefused: (channel, why) => refusals.push(`${channel} ${why}`),
  });
});

const fromScreen = () => ({ sender: contents, senderFrame: contents.mainFrame });
const call = (channel: string, event: unknown, ...args: unknown[]) => {
  const handler = stub.handlers.get(channel);
  if (!handler) throw new Error(`no handler for ${channel}`);
  return Promise.resolve().then(() => handler(event, ...args));
};

describe('isKioskSender', () => {
  it('accepts our contents, top frame, app://kiosk', () => {
    expect(isKioskSender(fromScreen() as never, contents as unknown as WebContents)).toBe(true);
  });

  it('refuses another web contents, a subframe, another URL or no frame', () => {
    const other = new StubWebContents();
    const sub = new StubFrame('app://kiosk/index.html');
    sub.parent = contents.mainFrame;
    const cases: Array<[string, unknown]> = [
      ['other contents', { sender: other, senderFrame: other.mainFrame }],
      ['subframe', { sender: contents, senderFrame: sub }],
      ['https page', { sender: contents, senderFrame: new StubFrame('https://evil.example/') }],
      ['file page', { sender: contents, senderFrame: new StubFrame('file:///etc/passwd') }],
      ['other app host', { sender: contents, senderFrame: new StubFrame('app://evil/index.html') }],
      ['look-alike', { sender: contents, senderFrame: new StubFrame('app://kiosk.evil/index.html') }],
      ['destroyed frame', { sender: contents, senderFrame: null }],
    ];
    for (const [what, event] of cases) expect(isKioskSender(event as never, contents as unknown as WebContents), what).toBe(false);
  });
});

describe('serveKioskIpc', () => {
  it('answers getState and passes a valid command to the service', async () => {
    expect(await call(IPC_CHANNELS.getState, fromScreen())).toEqual(WAITING);
    kiosk.answer = async () => ({ ok: true });
    expect(await call(IPC_CHANNELS.command, fromScreen(), { type: 'setLanguage', language: 'en' })).toEqual({ ok: true });
    expect(kiosk.received).toEqual([{ type: 'setLanguage', language: 'en' }]);
  });

  it('refuses a call from anything but the kiosk screen before looking at its arguments', async () => {
    const other = new StubWebContents();
    const foreign = { sender: other, senderFrame: other.mainFrame };
    await expect(call(IPC_CHANNELS.command, foreign, { type: 'syncNow' })).rejects.toBeInstanceOf(SenderRefused);
    await expect(call(IPC_CHANNELS.getState, { sender: contents, senderFrame: new StubFrame('https://evil.example/') })).rejects.toBeInstanceOf(SenderRefused);
    expect(kiosk.received).toEqual([]);
    expect(refusals).toEqual([`${IPC_CHANNELS.command} sender`, `${IPC_CHANNELS.getState} sender`]);
  });

  it('answers invalid_command for anything the contract does not allow, and the service never sees it', async () => {
    const bad: unknown[][] = [
      [{ type: 'setLanguage', language: 'de' }],
      [{ type: 'operatorLogin', pin: '1' }],
      [{ type: 'simulate', step: { action: 'unplug', device: 'printer' } }],
      [{ type: 'eval', code: 'process.exit()' }],
      ['syncNow'],
      [],
      [{ type: 'syncNow' }, 'extra argument'],
    ];
    for (const args of bad) {
      expect(await call(IPC_CHANNELS.command, fromScreen(), ...args), JSON.stringify(args)).toEqual({ ok: false, error: 'invalid_command' });
    }
    expect(kiosk.received).toEqual([]);
  });

  it('strips unknown fields from a valid command', async () => {
    await call(IPC_CHANNELS.command, fromScreen(), { type: 'dismissVerdict', id: 'v1', __proto__: { admin: true }, extra: 1 });
    expect(kiosk.received).toEqual([{ type: 'dismissVerdict', id: 'v1' }]);
  });

  it('refuses getState with arguments', async () => {
    await expect(call(IPC_CHANNELS.getState, fromScreen(), 'x')).rejects.toThrow(/no arguments/);
  });

  it('answers failed when the service throws', async () => {
    kiosk.answer = async () => {
      throw new Error('boom');
    };
    expect(await call(IPC_CHANNELS.command, fromScreen(), { type: 'syncNow' })).toEqual({ ok: false, error: 'failed' });
  });

  it('pushes state and operator status to our window only, and not once it is destroyed', () => {
    kiosk.pushOperator(OPERATOR);
    expect(contents.sent).toEqual([[IPC_CHANNELS.operator, OPERATOR]]);
    contents.destroyed = true;
    kiosk.push(WAITING);
    expect(contents.sent).toHaveLength(1);
  });
});
