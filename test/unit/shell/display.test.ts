// Keeping the display awake with a passed-in powerSaveBlocker (Signal's pattern), and the window
// put back over the primary display after display changes.
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { DisplayKeepAwake, keepCoveringScreen } from '../../../main/shell/display.js';
import { StubWindow, stubEvent } from './stub-electron.js';

describe('DisplayKeepAwake', () => {
  it('starts one prevent-display-sleep blocker and stops it', () => {
    const started = new Set<number>();
    let next = 1;
    const blocker = {
      start: vi.fn((_type: 'prevent-display-sleep' | 'prevent-app-suspension') => {
        started.add(next);
        return next++;
      }),
      stop: vi.fn((id: number) => started.delete(id)),
      isStarted: (id: number) => started.has(id),
    };
    const awake = new DisplayKeepAwake(blocker);
    awake.start();
    awake.start();
    expect(blocker.start).toHaveBeenCalledOnce();
    expect(blocker.start).toHaveBeenCalledWith('prevent-display-sleep');
    awake.stop();
    awake.stop();
    expect(blocker.stop).toHaveBeenCalledOnce();
    expect(started.size).toBe(0);
  });
});

describe('keepCoveringScreen', () => {
  const screen = () => Object.assign(new EventEmitter(), { getPrimaryDisplay: () => ({ bounds: { x: 0, y: 0, width: 800, height: 480 } }) });

  it('re-asserts after each display event and stops when undone', () => {
    const s = screen();
    const w = new StubWindow({});
    const undo = keepCoveringScreen(s as never, w as never, true);
    s.emit('display-removed', stubEvent(), {});
    expect(w.kiosk).toEqual([true]);
    expect(w.bounds).toEqual([{ x: 0, y: 0, width: 800, height: 480 }]);
    undo();
    s.emit('display-added', stubEvent(), {});
    expect(w.kiosk).toEqual([true]);
  });

  it('leaves a developer window to the window manager, and a destroyed one alone', () => {
    const s = screen();
    const dev = new StubWindow({});
    keepCoveringScreen(s as never, dev as never, false);
    s.emit('display-metrics-changed', stubEvent(), {}, ['bounds']);
    expect(dev.kiosk).toEqual([]);
    expect(dev.bounds).toEqual([]);
    const gone = new StubWindow({});
    keepCoveringScreen(s as never, gone as never, true);
    gone.destroyed = true;
    s.emit('display-added', stubEvent(), {});
    expect(gone.bounds).toEqual([]);
  });
});
