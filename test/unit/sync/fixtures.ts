// Shared fakes for the sync tests: a system clock the test moves (wall and monotonic apart), an
// in-memory meta repository, and signed TIME answers made with the issuer toolkit.
import type { MetaKey, MetaRepository, MetaValues, Store } from '../../../main/store/index.js';
import type { SystemTime } from '../../../main/sync/clock.js';
import { encodeCbor } from '../../../main/verify/cbor.js';
import { signCoseSign1 } from '../../../tools/issuer/cose.js';
import type { IssuerKey } from '../../../tools/issuer/keys.js';

export const YEAR_MS = 365 * 86_400_000;
/** 2025-06-15T00:00:00Z: "the real time" in these tests. */
export const REAL_MS = Date.UTC(2025, 5, 15);

export interface FakeSystemTime extends SystemTime {
  /** Both clocks move on: time passes. */
  pass(ms: number): void;
  /** Only the wall clock moves: someone (or NTP) set it. */
  setWall(ms: number): void;
  readonly wall: number;
}

export function fakeSystemTime(wallMs: number): FakeSystemTime {
  let wall = wallMs;
  let monoUs = 5_000_000;
  return {
    bootId: 'boot-test',
    wallMs: () => wall,
    monotonicUs: () => monoUs,
    pass(ms) {
      wall += ms;
      monoUs += ms * 1000;
    },
    setWall(ms) {
      wall = ms;
    },
    get wall() {
      return wall;
    },
  };
}

/** A meta repository over a Map, counting writes (the floor must spare the SD card). */
export interface FakeMeta extends Pick<Store, 'meta'> {
  readonly writes: MetaKey[];
  readonly values: Map<MetaKey, unknown>;
}

export function fakeMeta(initial: Partial<MetaValues> = {}): FakeMeta {
  const values = new Map<MetaKey, unknown>(Object.entries(initial) as [MetaKey, unknown][]);
  const writes: MetaKey[] = [];
  const meta: MetaRepository = {
    get: <K extends MetaKey>(key: K) => values.get(key) as MetaValues[K] | undefined,
    set: (key, value) => {
      writes.push(key);
      values.set(key, value);
    },
    claim: <K extends MetaKey>(key: K, value: MetaValues[K]) => {
      if (!values.has(key)) values.set(key, value);
      return values.get(key) as MetaValues[K];
    },
  };
  return { meta, writes, values };
}

/** A TIME answer of API.md, signed by `key`. */
export function signedTime(key: IssuerKey, timeMs: number, nonce: Uint8Array, extra: Record<string, unknown> = {}): Uint8Array {
  const payload = new Map<string, unknown>([
    ['v', 1],
    ['kind', 'TIME'],
    ['time', timeMs],
    ['nonce', nonce],
  ]);
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) payload.delete(k);
    else payload.set(k, v);
  }
  return signCoseSign1(key, encodeCbor(payload));
}
