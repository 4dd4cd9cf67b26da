// The trusted clock: boots in 1970 and ten years ahead, jumps backwards mid-run, the floor
// (persisted sparingly, lowered only by a signed time below a floor NTP alone set), signed bureau
// time (nonce, anchors, floor) and the NTP probe.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TrustedClock, systemNtpProbe, type ClockChange } from '../../../main/sync/clock.js';
import { ClockError } from '../../../main/sync/errors.js';
import { TrustError } from '../../../main/trust/errors.js';
import { anchorsOf, issuerKey } from '../trust/fixtures.js';
import { REAL_MS, YEAR_MS, fakeMeta, fakeSystemTime, signedTime, type FakeSystemTime } from './fixtures.js';

const bureau = issuerKey('bureau-time');
const foreign = issuerKey('foreign-time');
const anchors = anchorsOf(bureau);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function setUp(options: {
  wallMs: number;
  floor?: number;
  signedFloor?: number;
  ntp?: () => boolean;
  requireTrustedClock?: boolean;
  floorWriteIntervalMs?: number;
}) {
  const system = fakeSystemTime(options.wallMs);
  const meta = fakeMeta({
    ...(options.floor === undefined ? {} : { clock_floor: options.floor }),
    ...(options.signedFloor === undefined ? {} : { clock_floor_signed: options.signedFloor }),
  });
  const ntp = options.ntp ?? (() => false);
  const clock = new TrustedClock({
    store: meta,
    system,
    ntp: async () => ntp(),
    ...(options.requireTrustedClock !== undefined ? { requireTrustedClock: options.requireTrustedClock } : {}),
    ...(options.floorWriteIntervalMs !== undefined ? { floorWriteIntervalMs: options.floorWriteIntervalMs } : {}),
  });
  const changes: ClockChange[] = [];
  clock.on('clock_change', (change) => changes.push(change));
  return { system, meta, clock, changes };
}

/** A signed time answer the bureau gives after `latencyMs` of round trip. */
function answer(clock: TrustedClock, system: FakeSystemTime, timeMs: number, latencyMs = 40, key = bureau) {
  const request = clock.timeRequest();
  system.pass(latencyMs);
  return { request, bytes: signedTime(key, timeMs, request.nonce) };
}

/** clock_change events are emitted on a microtask (never inside an audit append). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('booting in 1970', () => {
  it('is untrusted, never dates before the floor, and trusts the signed bureau time', async () => {
    const floor = REAL_MS - DAY;
    const { system, meta, clock, changes } = setUp({ wallMs: 30_000, floor });
    expect(clock.trusted()).toBe(false);
    // The audit record says what the system said; the best estimate never goes below the floor.
    expect(clock.wallMs()).toBe(30_000);
    expect(clock.now()).toBe(floor);
    expect(clock.forVerification()).toEqual({ now: Math.floor(floor / 1000), clockTrusted: false });
    expect(await clock.refreshNtp()).toBe(false);
    expect(clock.trusted()).toBe(false);

    const { request, bytes } = answer(clock, system, REAL_MS, 40);
    expect(clock.acceptSignedTime(bytes, anchors, request)).toBe(REAL_MS + 20);
    expect(clock.trusted()).toBe(true);
    expect(clock.status()).toMatchObject({ trusted: true, source: 'bureau' });
    system.pass(1000);
    expect(clock.wallMs()).toBe(REAL_MS + 1020);
    expect(clock.forVerification()).toEqual({ now: Math.floor((REAL_MS + 1020) / 1000), clockTrusted: true });
    // The first trusted time of a process is written at once.
    expect(meta.values.get('clock_floor')).toBe(REAL_MS + 20);
    await settle();
    expect(changes).toEqual([{ fromMs: 30_040, toMs: REAL_MS + 20, source: 'bureau' }]);
  });

  it('lets a site policy verify without a trusted clock, at the floor', () => {
    const floor = REAL_MS - DAY;
    const { clock } = setUp({ wallMs: 30_000, floor, requireTrustedClock: false });
    expect(clock.forVerification()).toEqual({ now: Math.floor(floor / 1000), clockTrusted: true });
    expect(clock.trusted()).toBe(false);
  });
});

describe('booting ten years ahead', () => {
  it('does not raise the floor from the untrusted clock, and takes the signed time over it', async () => {
    const floor = REAL_MS - DAY;
    const ahead = REAL_MS + 10 * YEAR_MS;
    const { system, meta, clock, changes } = setUp({ wallMs: ahead, floor });
    expect(clock.trusted()).toBe(false);
    clock.tick();
    clock.flush();
    expect(meta.writes).toEqual([]);
    expect(clock.floorMs).toBe(floor);

    const { request, bytes } = answer(clock, system, REAL_MS, 10);
    clock.acceptSignedTime(bytes, anchors, request);
    expect(clock.trusted()).toBe(true);
    expect(clock.wallMs()).toBe(REAL_MS + 5);
    expect(meta.values.get('clock_floor')).toBe(REAL_MS + 5);
    await settle();
    expect(changes).toEqual([{ fromMs: ahead + 10, toMs: REAL_MS + 5, source: 'bureau' }]);
  });

  it('keeps the signed time when NTP claims a clock that disagrees with it', async () => {
    let synced = false;
    const ahead = REAL_MS + 10 * YEAR_MS;
    const { system, clock } = setUp({ wallMs: ahead, ntp: () => synced });
    const { request, bytes } = answer(clock, system, REAL_MS, 10);
    clock.acceptSignedTime(bytes, anchors, request);
    synced = true;
    await clock.refreshNtp();
    expect(clock.status()).toMatchObject({ trusted: true, source: 'bureau', ntpSynced: true, ntpOverridden: true });
    expect(clock.wallMs()).toBe(REAL_MS + 5);
  });
});

describe('a clock that jumps backwards mid-run', () => {
  it('is no longer trusted, even when NTP vouches for it again, until it passes the floor', async () => {
    const { system, clock, changes } = setUp({ wallMs: REAL_MS, ntp: () => true });
    expect(await clock.refreshNtp()).toBe(true);
    expect(clock.status()).toMatchObject({ trusted: true, source: 'ntp' });
    system.pass(10 * 60_000);
    expect(clock.trusted()).toBe(true);
    const before = system.wall;

    system.setWall(before - HOUR);
    expect(clock.trusted()).toBe(false);
    await settle();
    expect(changes).toEqual([{ fromMs: before, toMs: before - HOUR, source: 'system' }]);
    expect(await clock.refreshNtp()).toBe(true);
    expect(clock.status()).toMatchObject({ trusted: false, ntpSynced: true });
    expect(clock.now()).toBe(before);

    system.pass(HOUR - 1000);
    expect(clock.trusted()).toBe(true);
  });

  it('stops trusting a clock set forward by hand until NTP vouches for it again, and never raises the floor from it', async () => {
    let synced = true;
    const { system, clock, meta, changes } = setUp({ wallMs: REAL_MS, ntp: () => synced });
    await clock.refreshNtp();
    system.pass(1000);
    system.setWall(REAL_MS + DAY);
    synced = false; // timedatectl says "no" once the clock was set by hand
    expect(clock.trusted()).toBe(false);
    clock.flush();
    expect(meta.values.get('clock_floor')).toBe(REAL_MS);
    await clock.refreshNtp();
    expect(clock.trusted()).toBe(false);
    // timesyncd steps it back and reports synchronised again.
    system.setWall(REAL_MS + 2000);
    synced = true;
    await clock.refreshNtp();
    expect(clock.trusted()).toBe(true);
    await settle();
    expect(changes.map((c) => c.source)).toEqual(['system', 'system']);
  });

  it('stays trusted on a signed time, which runs on the monotonic clock', async () => {
    const { system, clock, changes } = setUp({ wallMs: REAL_MS });
    const { request, bytes } = answer(clock, system, REAL_MS, 0);
    clock.acceptSignedTime(bytes, anchors, request);
    system.pass(5000);
    system.setWall(REAL_MS - DAY);
    expect(clock.trusted()).toBe(true);
    expect(clock.wallMs()).toBe(REAL_MS + 5000);
    await settle();
    expect(changes).toEqual([{ fromMs: REAL_MS + 5000, toMs: REAL_MS - DAY, source: 'system' }]);
  });

  it('notices small corrections below the threshold as no jump', async () => {
    const { system, clock, changes } = setUp({ wallMs: REAL_MS, ntp: () => true });
    await clock.refreshNtp();
    system.pass(60_000);
    system.setWall(system.wall - 500);
    expect(clock.trusted()).toBe(true);
    await settle();
    expect(changes).toEqual([]);
  });
});

describe('the floor', () => {
  it('is written at most once per interval, and read back by the next start', async () => {
    const { system, meta, clock } = setUp({ wallMs: REAL_MS, ntp: () => true, floorWriteIntervalMs: 60_000 });
    await clock.refreshNtp();
    expect(meta.writes).toEqual(['clock_floor']);
    for (let i = 0; i < 5; i++) {
      system.pass(10_000);
      clock.tick();
      clock.trusted();
    }
    expect(meta.writes).toHaveLength(1);
    system.pass(10_000);
    clock.tick();
    expect(meta.writes).toHaveLength(2);
    expect(meta.values.get('clock_floor')).toBe(REAL_MS + 60_000);
    system.pass(5_000);
    clock.flush();
    expect(meta.values.get('clock_floor')).toBe(REAL_MS + 65_000);

    // The next boot, in 1970: the floor is where it was left.
    const next = new TrustedClock({ store: meta, system: fakeSystemTime(1000), ntp: async () => false });
    expect(next.floorMs).toBe(REAL_MS + 65_000);
    expect(next.now()).toBe(REAL_MS + 65_000);
    expect(next.trusted()).toBe(false);
  });

  it('never moves down', async () => {
    const floor = REAL_MS + DAY;
    const { meta, clock } = setUp({ wallMs: REAL_MS, floor, ntp: () => true });
    await clock.refreshNtp();
    clock.flush();
    expect(clock.trusted()).toBe(false);
    expect(meta.writes).toEqual([]);
    expect(meta.values.get('clock_floor')).toBe(floor);
  });
});

describe('the signed bureau time', () => {
  it('refuses an answer to another nonce (a recorded answer replayed)', () => {
    const { system, clock } = setUp({ wallMs: 0 });
    const old = clock.timeRequest();
    const recorded = signedTime(bureau, REAL_MS, old.nonce);
    const request = clock.timeRequest();
    system.pass(10);
    expect(() => clock.acceptSignedTime(recorded, anchors, request)).toThrow(expect.objectContaining({ code: 'nonce_mismatch' }));
    expect(clock.trusted()).toBe(false);
  });

  it('refuses a time signed by a key that is not an anchor, or with a broken signature', () => {
    const { system, clock, meta } = setUp({ wallMs: 0 });
    const foreignAnswer = answer(clock, system, REAL_MS, 10, foreign);
    const error = catchError(() => clock.acceptSignedTime(foreignAnswer.bytes, anchors, foreignAnswer.request));
    expect(error).toBeInstanceOf(TrustError);
    expect((error as TrustError).code).toBe('unknown_anchor');

    const good = answer(clock, system, REAL_MS, 10);
    const broken = good.bytes.slice();
    broken[broken.length - 1]! ^= 0x01;
    expect(() => clock.acceptSignedTime(broken, anchors, good.request)).toThrow(expect.objectContaining({ code: 'bad_list_signature' }));
    expect(clock.trusted()).toBe(false);
    expect(meta.writes).toEqual([]);
  });

  it('refuses a payload that is not a TIME, a time behind the signed floor, and an answer too slow to use', () => {
    const { system, clock } = setUp({ wallMs: 0, floor: REAL_MS, signedFloor: REAL_MS });
    const request = clock.timeRequest();
    const notTime = signedTime(bureau, REAL_MS, request.nonce, { kind: 'TL1' });
    expect(() => clock.acceptSignedTime(notTime, anchors, request)).toThrow(ClockError);
    const noTime = signedTime(bureau, REAL_MS, request.nonce, { time: undefined });
    expect(() => clock.acceptSignedTime(noTime, anchors, request)).toThrow(expect.objectContaining({ code: 'malformed_time' }));

    const behind = answer(clock, system, REAL_MS - HOUR, 10);
    expect(() => clock.acceptSignedTime(behind.bytes, anchors, behind.request)).toThrow(expect.objectContaining({ code: 'behind_floor' }));

    const slow = answer(clock, system, REAL_MS + 1000, 20_000);
    expect(() => clock.acceptSignedTime(slow.bytes, anchors, slow.request)).toThrow(expect.objectContaining({ code: 'slow_answer' }));
    expect(clock.trusted()).toBe(false);
  });
});

describe('a floor pushed ahead by a spoofed NTP server', () => {
  it('comes down to the signed bureau time, on disk at once, and says so; the signed part of the floor never does', async () => {
    const ahead = REAL_MS + 10 * YEAR_MS;
    let synced = true;
    const { system, meta, clock, changes } = setUp({ wallMs: ahead, ntp: () => synced });
    await clock.refreshNtp();
    expect(clock.status()).toMatchObject({ trusted: true, source: 'ntp' });
    expect(meta.values.get('clock_floor')).toBe(ahead);
    expect(meta.values.get('clock_floor_signed')).toBeUndefined();

    // The spoofing ends: the system clock is set back to the real time, and NTP must vouch again.
    system.setWall(REAL_MS);
    synced = false;
    await clock.refreshNtp();
    expect(clock.trusted()).toBe(false);
    expect(clock.now()).toBe(ahead);

    const { request, bytes } = answer(clock, system, REAL_MS, 10);
    clock.acceptSignedTime(bytes, anchors, request);
    expect(clock.status()).toMatchObject({ trusted: true, source: 'bureau' });
    expect(clock.wallMs()).toBe(REAL_MS + 5);
    expect(clock.floorMs).toBe(REAL_MS + 5);
    expect(meta.values.get('clock_floor')).toBe(REAL_MS + 5);
    expect(meta.values.get('clock_floor_signed')).toBe(REAL_MS + 5);
    await settle();
    expect(changes).toContainEqual({ fromMs: ahead, toMs: REAL_MS + 5, source: 'bureau' });

    // A later start keeps the signed part: a signed time behind it is refused.
    const again = new TrustedClock({ store: meta, system, ntp: async () => false });
    const stale = answer(again, system, REAL_MS - HOUR, 10);
    expect(() => again.acceptSignedTime(stale.bytes, anchors, stale.request)).toThrow(expect.objectContaining({ code: 'behind_floor' }));
    const fresh = answer(again, system, REAL_MS + 60_000, 10);
    again.acceptSignedTime(fresh.bytes, anchors, fresh.request);
    expect(again.trusted()).toBe(true);
  });
});

describe('the Date header', () => {
  it('is a tripwire only: it never makes the clock trusted or moves it', async () => {
    const { clock } = setUp({ wallMs: REAL_MS, ntp: () => true });
    expect(clock.dateAgrees(REAL_MS + 10 * YEAR_MS)).toBe(true); // untrusted: nothing to compare
    expect(clock.trusted()).toBe(false);
    await clock.refreshNtp();
    expect(clock.dateAgrees(REAL_MS + 30_000)).toBe(true);
    expect(clock.dateAgrees(REAL_MS + 10 * 60_000)).toBe(false);
    expect(clock.wallMs()).toBe(REAL_MS);
  });
});

describe('the system NTP probe', () => {
  const dir = mkdtempSync(join(tmpdir(), 'verikiosk-ntp-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const script = (name: string, body: string): string => {
    const path = join(dir, name);
    writeFileSync(path, `#!/bin/sh\n${body}\n`);
    chmodSync(path, 0o755);
    return path;
  };
  const flag = join(dir, 'synchronized');
  writeFileSync(flag, '');

  it('asks timedatectl for NTPSynchronized', async () => {
    const yes = script('yes', '[ "$*" = "show -p NTPSynchronized --value" ] && echo yes || echo no');
    expect(await systemNtpProbe({ timedatectl: yes, flagFile: join(dir, 'absent') })()).toBe(true);
    // timedatectl's "no" wins over the flag file: the clock was set by hand since.
    expect(await systemNtpProbe({ timedatectl: script('no', 'echo no'), flagFile: flag })()).toBe(false);
  });

  it('falls back to the timesyncd flag file when timedatectl is missing or fails', async () => {
    const missing = join(dir, 'no-such-command');
    expect(await systemNtpProbe({ timedatectl: missing, flagFile: flag })()).toBe(true);
    expect(await systemNtpProbe({ timedatectl: missing, flagFile: join(dir, 'absent') })()).toBe(false);
    expect(await systemNtpProbe({ timedatectl: script('fails', 'exit 1'), flagFile: flag })()).toBe(true);
  });

  it('counts a probe that throws as not synchronised', async () => {
    const clock = new TrustedClock({ store: fakeMeta(), system: fakeSystemTime(REAL_MS), ntp: () => Promise.reject(new Error('dbus down')) });
    expect(await clock.refreshNtp()).toBe(false);
    expect(clock.trusted()).toBe(false);
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
