// The real card-reader stack end to end: a socat pty pair, the simulator (library and process)
// on one end, SerialCardReader + serialport on the other: every card kind, a noisy line, every
// error status, lift-after-failure, and unplugging (simulator killed, socat killed).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { STATUS_TABLE, type CardReaderError } from '../../drivers/card-reader/errors.js';
import { readCardOnce, SerialCardReader, type ReaderHealth, type SerialCardReaderOptions } from '../../drivers/card-reader/reader.js';
import type { CardRecord } from '../../drivers/card-reader/text.js';
import { CARDS } from '../../tools/sim/card-reader/fixtures.js';
import { CardReaderSimulator } from '../../tools/sim/card-reader/simulator.js';
import { killChildren, outputShows, ptyPair, stopChild, stopChildren, track } from '../support/pty.js';
import { sleep, waitFor } from '../support/wait.js';

const SIM_MAIN = join(process.cwd(), 'tools/sim/card-reader/main.ts');
const QUICK: Partial<SerialCardReaderOptions> = {
  timeouts: { status: 800, find: 800, select: 800, read: 2000 },
  reopenIntervalMs: 200,
};

let dir: string;

// Everything started is stopped in afterEach, pass or fail; the exit hook (test/support/pty.ts) is the last resort.
const readers = new Set<SerialCardReader>();
const sims = new Set<CardReaderSimulator>();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'card-reader-'));
});

afterEach(async () => {
  await Promise.all([...readers].map((r) => r.stop()));
  await Promise.all([...sims].map((s) => s.close()));
  readers.clear();
  sims.clear();
  await stopChildren();
});

afterAll(() => {
  killChildren();
  rmSync(dir, { recursive: true, force: true });
});

async function simulatorOn(path: string): Promise<CardReaderSimulator> {
  const sim = await CardReaderSimulator.openPath(path);
  sims.add(sim);
  return sim;
}

function readerOn(path: string, options: Partial<SerialCardReaderOptions> = {}) {
  const reader = new SerialCardReader({ path, ...QUICK, ...options });
  readers.add(reader);
  const cards: CardRecord[] = [];
  const errors: CardReaderError[] = [];
  const health: ReaderHealth[] = [];
  let removed = 0;
  reader.on('card', (c) => cards.push(c));
  reader.on('error', (e) => errors.push(e));
  reader.on('health', (h) => health.push(h));
  reader.on('removed', () => removed++);
  return { reader, cards, errors, health, removed: () => removed };
}

describe('card reader over a socat pty pair', () => {
  it('reads every card kind, once per placement', async () => {
    const pair = await ptyPair(dir);
    const sim = await simulatorOn(pair.sim);
    const r = readerOn(pair.host);
    await r.reader.start();
    expect(r.reader.health).toEqual({ state: 'ready' });
    for (const label of Object.keys(CARDS)) {
      const before = r.cards.length;
      sim.place(label);
      await waitFor(label, () => r.cards.length === before + 1);
      sim.lift();
      await waitFor('removed', () => r.removed() === before + 1);
    }
    expect(r.cards.map((c) => c.kind)).toEqual([
      'resident',
      'resident',
      'hk_macao_taiwan',
      'foreign_permanent_2017',
      'foreign_permanent_2023',
    ]);
    expect(r.cards.every((c) => c.flags.length === 0)).toBe(true);
    expect(r.cards[1]!.validTo).toBe('long-term');
    expect(r.cards[2]!.passNumber).toBe('H00000001');
    expect(r.cards[3]!.idNumber).toBe('USA110085010112');
    expect(r.errors).toEqual([]);
    expect(sim.stats.requests.readTextPhoto).toBe(5);
  });

  it('reads through noise, split and glued answers and a corrupted checksum', async () => {
    const pair = await ptyPair(dir);
    const sim = await simulatorOn(pair.sim);
    // Split answers take a while to arrive: the driver's default timeouts, not QUICK ones.
    const r = readerOn(pair.host, { timeouts: {} });
    await r.reader.start();
    const settings: [string, () => void][] = [
      ['noise', () => sim.setNoise(true)],
      ['split', () => sim.setSplit({ chunkBytes: 7, delayMs: 1 })],
      ['glue', () => sim.setGlue(true)],
      ['corrupt', () => sim.corruptNext(1)],
    ];
    for (const [what, apply] of settings) {
      apply();
      const before = r.cards.length;
      sim.place('foreign-2023');
      await waitFor(`card with ${what}`, () => r.cards.length === before + 1);
      expect(r.cards.at(-1)!.nameEnglish).toBe('EXAMPLES GONZALEZ, MARIA ALEJANDRA FERNANDA');
      sim.lift();
      await waitFor('removed', () => r.removed() === before + 1);
    }
    const stats = r.reader.linkStats!;
    expect(stats.parser.badChecksum).toBeGreaterThan(0);
    expect(stats.parser.badLength).toBeGreaterThan(0);
    // Every answer came twice: each duplicate was skipped whole, or purged part-way before the next command.
    expect(stats.link.stale + stats.link.purgedBytes).toBeGreaterThan(0);
    expect(stats.link.resends).toBeGreaterThanOrEqual(1); // the corrupted answer
    expect(r.errors).toEqual([]);
  });

  it('maps every error status of the reader to its typed error', async () => {
    const pair = await ptyPair(dir);
    const sim = await simulatorOn(pair.sim);
    const r = readerOn(pair.host);
    await r.reader.start();
    const statuses = Object.entries(STATUS_TABLE)
      .map(([sw3, e]) => [Number(sw3), e.code] as const)
      .filter(([sw3]) => sw3 !== 0x90 && sw3 !== 0x9f && sw3 !== 0x80);
    for (const [sw3, code] of statuses) {
      const before = r.errors.length;
      sim.failNext('read', sw3, 2); // twice: 10 and 11 are resent once before they count
      sim.place('resident');
      await waitFor(`error for ${sw3.toString(16)}`, () => r.errors.length === before + 1);
      expect(r.errors.at(-1)).toMatchObject({ code, sw3, command: 'readTextPhoto' });
      sim.clearFaults();
      sim.lift();
      const finds = sim.stats.requests.findCard ?? 0;
      await waitFor('a poll with no card', () => (sim.stats.requests.findCard ?? 0) > finds);
    }
    expect(r.errors).toHaveLength(statuses.length);
    expect(r.cards).toEqual([]);
    // Reader-side faults showed in health, and health came back.
    expect(r.health.some((h) => h.state === 'faulty')).toBe(true);
    await waitFor('ready', () => r.reader.health.state === 'ready');
  });

  it('does not retry a failed card until it is lifted', async () => {
    const pair = await ptyPair(dir);
    const sim = await simulatorOn(pair.sim);
    const r = readerOn(pair.host);
    await r.reader.start();
    sim.failNext('read', 0x41);
    sim.place('hk-macao-taiwan');
    await waitFor('error', () => r.errors.length === 1);
    await sleep(1000);
    expect(sim.stats.requests.readTextPhoto).toBe(1);
    sim.lift();
    const finds = sim.stats.requests.findCard ?? 0;
    await waitFor('a poll with no card', () => (sim.stats.requests.findCard ?? 0) > finds);
    sim.place('hk-macao-taiwan');
    await waitFor('card', () => r.cards.length === 1);
    expect(sim.stats.requests.readTextPhoto).toBe(2);
  });

  it('readCardOnce returns a record through the real stack', async () => {
    const pair = await ptyPair(dir);
    const sim = await simulatorOn(pair.sim);
    sim.place('resident');
    const card = await readCardOnce({ port: pair.host, baud: 115200, timeoutMs: 5000 });
    expect(card.kind).toBe('resident');
    expect(card.ethnicity).toEqual({ code: '01', zh: '汉', en: 'Han' });
  });
});

describe('the simulator process and unplugging', () => {
  it('is driven over stdin; killing it makes the reader absent (silent line)', async () => {
    const pair = await ptyPair(dir);
    const proc = track(spawn(process.execPath, ['--import', 'tsx', SIM_MAIN, '--link', pair.sim], { stdio: ['pipe', 'pipe', 'pipe'] }));
    await outputShows(proc, 'stdout', /ready .*\n/, 'simulator');
    const r = readerOn(pair.host);
    await r.reader.start();
    expect(r.reader.health.state).toBe('ready');

    const reply = outputShows(proc, 'stdout', /ok placed foreign-2017\n/, 'simulator');
    proc.stdin!.write('place foreign-2017\n');
    await reply;
    await waitFor('card', () => r.cards.length === 1);
    expect(r.cards[0]!.kind).toBe('foreign_permanent_2017');

    const bad = outputShows(proc, 'stdout', /error [^\n]*\n/, 'simulator');
    proc.stdin!.write('place nobody\n');
    expect(await bad).toMatch(/unknown card fixture/);

    proc.kill('SIGKILL');
    await waitFor('absent', () => r.reader.health.state === 'absent');
    expect(r.reader.health).toMatchObject({ state: 'absent', code: 'timeout' });
    expect(r.removed()).toBe(1);
    expect(r.errors.map((e) => e.code)).toEqual(['timeout']);
  });

  it('killing socat (the cable) makes the reader absent, and it stays so quietly', async () => {
    const pair = await ptyPair(dir);
    await simulatorOn(pair.sim);
    const r = readerOn(pair.host);
    await r.reader.start();
    expect(r.reader.health.state).toBe('ready');
    await stopChild(pair.socat);
    await waitFor('absent', () => r.reader.health.state === 'absent');
    expect(r.reader.health).toMatchObject({ state: 'absent', code: 'disconnected' });
    expect(r.errors[0]?.code).toBe('disconnected');
    await sleep(800); // several reopen attempts of a port that is gone
    // socat removed the link: retries now fail to open, reported once, not once per retry.
    expect(r.reader.health).toMatchObject({ state: 'absent', code: 'port_unavailable' });
    expect(r.errors.map((e) => e.code)).toEqual(['disconnected', 'port_unavailable']);
  });
});
