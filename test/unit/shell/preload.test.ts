// The preload with `electron` mocked: it exposes exactly one object, `verikiosk`, whose four
// calls use the contract's channels and hand the page payloads only, never IPC events.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS } from '../../../main/api/channels.js';
import type { KioskApi } from '../../../main/api/contract.js';
import { buildPreload } from '../../../tools/packaging/preload.js';

const exposed = new Map<string, unknown>();
const listeners = new Map<string, Set<(event: unknown, payload: unknown) => void>>();
const invoke = vi.fn(async (channel: string, ...args: unknown[]) => ({ channel, args }));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer: {
    invoke: (channel: string, ...args: unknown[]) => invoke(channel, ...args),
    on: (channel: string, fn: (event: unknown, payload: unknown) => void) => {
      const set = listeners.get(channel) ?? new Set();
      set.add(fn);
      listeners.set(channel, set);
    },
    removeListener: (channel: string, fn: (event: unknown, payload: unknown) => void) => listeners.get(channel)?.delete(fn),
  },
}));

beforeAll(async () => {
  await import('../../../main/shell/preload.js');
});

const api = () => exposed.get('verikiosk') as KioskApi;

describe('preload', () => {
  it('exposes one object with exactly the KioskApi calls', () => {
    expect([...exposed.keys()]).toEqual(['verikiosk']);
    expect(Object.keys(api()).sort()).toEqual(['getState', 'onOperator', 'onState', 'send']);
  });

  it('sends on the contract channels', async () => {
    await api().getState();
    await api().send({ type: 'syncNow' });
    expect(invoke.mock.calls).toEqual([[IPC_CHANNELS.getState], [IPC_CHANNELS.command, { type: 'syncNow' }]]);
  });

  it('hands listeners the payload only and unsubscribes', () => {
    const got: unknown[][] = [];
    const off = api().onState((...args: unknown[]) => got.push(args));
    const ipcEvent = { sender: 'ipcRenderer itself' };
    for (const fn of listeners.get(IPC_CHANNELS.state) ?? []) fn(ipcEvent, { screen: 'waiting' });
    expect(got).toEqual([[{ screen: 'waiting' }]]);
    off();
    expect(listeners.get(IPC_CHANNELS.state)?.size).toBe(0);
    expect(() => api().onOperator('not a function' as never)).toThrow(TypeError);
  });
});

describe('the bundled preload', () => {
  it('is CommonJS that requires electron and nothing else', async () => {
    const out = `${process.cwd()}/dist/test-preload-${process.pid}.cjs`;
    await buildPreload(out);
    const code = readFileSync(out, 'utf8');
    const required = [...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(required).toEqual(['electron']);
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
    expect(code).not.toContain('zod');
    const { rmSync } = await import('node:fs');
    rmSync(out, { force: true });
  });
});
