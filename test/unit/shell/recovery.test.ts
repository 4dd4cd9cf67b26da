// Renderer recovery: a crashed, killed, hung or unloaded screen comes back, with back-off
// between attempts, each fault reported; a clean exit (the window closing) is not a fault.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RendererFault } from '../../../main/shell/recovery.js';
import { recoverRenderer } from '../../../main/shell/recovery.js';
import { StubWebContents, stubEvent } from './stub-electron.js';

let contents: StubWebContents;
let reloads: number;
let faults: RendererFault[];
let stop: () => void;

beforeEach(() => {
  vi.useFakeTimers();
  contents = new StubWebContents();
  reloads = 0;
  faults = [];
  stop = recoverRenderer(contents as never, {
    reload: () => reloads++,
    onFault: (f) => faults.push(f),
    initialDelayMs: 500,
    maxDelayMs: 4000,
    stableMs: 60_000,
    hangMs: 10_000,
  });
});
afterEach(() => {
  stop();
  vi.useRealTimers();
});

const crash = (reason = 'crashed', exitCode = 139) => contents.emit('render-process-gone', stubEvent(), { reason, exitCode });

describe('recoverRenderer', () => {
  it('reloads a crashed renderer after a delay that doubles with each crash in a row, up to the cap', () => {
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      crash();
      delays.push(faults.at(-1)!.reloadInMs);
      vi.advanceTimersByTime(faults.at(-1)!.reloadInMs - 1);
      expect(reloads).toBe(i);
      vi.advanceTimersByTime(1);
      expect(reloads).toBe(i + 1);
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 4000]);
    expect(faults.map((f) => f.streak)).toEqual([1, 2, 3, 4, 5]);
    expect(faults[0]).toMatchObject({ reason: 'crashed', exitCode: 139 });
  });

  it('starts the back-off afresh once the screen has stayed up', () => {
    crash();
    vi.advanceTimersByTime(500);
    crash();
    vi.advanceTimersByTime(1000);
    contents.emit('did-finish-load');
    vi.advanceTimersByTime(60_000);
    crash('oom');
    expect(faults.at(-1)).toMatchObject({ reason: 'oom', streak: 1, reloadInMs: 500 });
  });

  it('does not count a clean exit, nor reload after being stopped or destroyed', () => {
    contents.emit('render-process-gone', stubEvent(), { reason: 'clean-exit', exitCode: 0 });
    expect(faults).toEqual([]);
    crash();
    contents.destroyed = true;
    vi.advanceTimersByTime(10_000);
    expect(reloads).toBe(0);
  });

  it('schedules one reload however many faults arrive before it', () => {
    crash('killed');
    crash('crashed');
    vi.advanceTimersByTime(10_000);
    expect(reloads).toBe(1);
    expect(faults).toHaveLength(1);
  });

  it('reloads after a failed main-frame load, but not for an aborted one or a subframe', () => {
    contents.emit('did-fail-load', stubEvent(), -3, 'ERR_ABORTED', 'app://kiosk/index.html', true);
    contents.emit('did-fail-load', stubEvent(), -6, 'ERR_FILE_NOT_FOUND', 'app://kiosk/x', false);
    expect(faults).toEqual([]);
    contents.emit('did-fail-load', stubEvent(), -6, 'ERR_FILE_NOT_FOUND', 'app://kiosk/index.html', true);
    expect(faults[0]).toMatchObject({ reason: 'load_failed', exitCode: -6 });
    vi.advanceTimersByTime(500);
    expect(reloads).toBe(1);
  });

  it('crashes a renderer that stays unresponsive, so that it is reloaded', () => {
    contents.emit('unresponsive');
    vi.advanceTimersByTime(9_999);
    expect(contents.crashed).toBe(0);
    vi.advanceTimersByTime(1);
    expect(contents.crashed).toBe(1);
  });

  it('leaves a renderer that recovers by itself alone', () => {
    contents.emit('unresponsive');
    vi.advanceTimersByTime(5_000);
    contents.emit('responsive');
    vi.advanceTimersByTime(20_000);
    expect(contents.crashed).toBe(0);
  });

  it('stops listening when stopped', () => {
    stop();
    crash();
    expect(faults).toEqual([]);
    expect(contents.listenerCount('render-process-gone')).toBe(0);
  });
});
