import { SerialPortMock } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { CardReaderError, ReaderStatusError, STATUS_TABLE } from '../../../../drivers/card-reader/errors.js';
import { readCardOnce, SerialCardReader, type ReaderHealth, type SerialCardReaderOptions } from '../../../../drivers/card-reader/reader.js';
import type { CardRecord } from '../../../../drivers/card-reader/text.js';
import { CARDS } from '../../../../tools/sim/card-reader/fixtures.js';
import { mockReader, recordEvents, sleep, waitFor } from './mock-reader.js';

const FAST: Partial<SerialCardReaderOptions> = {
  timeouts: { status: 250, find: 250, select: 250, read: 500 },
  reopenIntervalMs: 100,
};

let readers: SerialCardReader[] = [];
let n = 0;

function setup(options: { createPort?: boolean; reader?: Partial<SerialCardReaderOptions> } = {}) {
  const path = `/dev/mock-card-reader-${++n}`;
  const mock = mockReader(path, options);
  const reader = new SerialCardReader({ path, openPort: mock.openPort, ...FAST, ...options.reader });
  readers.push(reader);
  const log = recordEvents(reader);
  return { ...mock, path, reader, log };
}

afterEach(async () => {
  await Promise.all(readers.map((r) => r.stop()));
  readers = [];
  SerialPortMock.binding.reset();
});

describe('SerialCardReader over @serialport/binding-mock', () => {
  it('becomes ready, then reads each card kind once per placement', async () => {
    const { sim, reader, log } = setup();
    await reader.start();
    expect(reader.health).toEqual({ state: 'ready' });
    const kinds: string[] = [];
    for (const label of ['resident', 'resident-long-term', 'hk-macao-taiwan', 'foreign-2017', 'foreign-2023']) {
      const before = log.count('card');
      sim.place(label);
      await waitFor(`card ${label}`, () => log.count('card') === before + 1);
      const card = log.last('card') as CardRecord;
      kinds.push(card.kind);
      expect(card.flags).toEqual([]);
      expect(card.photo.wlt).toEqual(CARDS[label]!.photo);
      sim.lift();
      await waitFor('removed', () => log.count('removed') === before + 1);
    }
    expect(kinds).toEqual(['resident', 'resident', 'hk_macao_taiwan', 'foreign_permanent_2017', 'foreign_permanent_2023']);
    expect(log.count('error')).toBe(0);
    expect((log.last('card') as CardRecord).nameEnglish).toBe('EXAMPLES GONZALEZ, MARIA ALEJANDRA FERNANDA');
  });

  it('does not re-emit or re-read a card that stays on the reader', async () => {
    const { sim, reader, log } = setup();
    sim.place('resident');
    await reader.start();
    await waitFor('card', () => log.count('card') === 1);
    await sleep(1000); // three more polls
    expect(log.count('card')).toBe(1);
    expect(sim.stats.requests.readTextPhoto).toBe(1);
    expect(sim.stats.requests.findCard).toBeGreaterThanOrEqual(2);
    sim.lift();
    await waitFor('removed', () => log.count('removed') === 1);
    await sleep(400);
    expect(log.count('removed')).toBe(1);
  });

  it('polls no faster than every 300 ms', async () => {
    const { sim, reader } = setup();
    await reader.start();
    await sleep(1000);
    // Polls at 0, 300, 600 and 900 ms at most: a rate limit, not a speed goal.
    const finds = sim.stats.requests.findCard ?? 0;
    expect(finds).toBeGreaterThanOrEqual(1);
    expect(finds).toBeLessThanOrEqual(4);
  });

  it('notices a card swapped within one poll (a different chip serial)', async () => {
    const { sim, reader, log } = setup();
    sim.place('resident');
    await reader.start();
    await waitFor('first card', () => log.count('card') === 1);
    sim.place('foreign-2017');
    await waitFor('second card', () => log.count('card') === 2);
    expect(log.events.filter((e) => e.event === 'card' || e.event === 'removed').map((e) => e.event)).toEqual(['card', 'removed', 'card']);
    expect((log.last('card') as CardRecord).kind).toBe('foreign_permanent_2017');
  });

  it('after a failed read, waits for the card to be lifted before trying again', async () => {
    const { sim, reader, log } = setup();
    await reader.start();
    sim.failNext('read', 0x41);
    sim.place('resident');
    await waitFor('error', () => log.count('error') === 1);
    const err = log.last('error') as ReaderStatusError;
    expect(err).toBeInstanceOf(ReaderStatusError);
    expect(err).toMatchObject({ code: 'read_failed', sw3: 0x41, command: 'readTextPhoto' });
    expect(err.meaning).toMatch(/lift the card/);
    await sleep(1000);
    expect(sim.stats.requests.readTextPhoto).toBe(1);
    expect(log.count('card')).toBe(0);
    sim.lift();
    const finds = sim.stats.requests.findCard ?? 0;
    await waitFor('a poll with no card', () => (sim.stats.requests.findCard ?? 0) > finds);
    sim.place('resident');
    await waitFor('card', () => log.count('card') === 1);
    expect(log.count('removed')).toBe(0); // nothing was emitted for the failed placement
    expect(reader.health.state).toBe('ready');
  });

  it('a failed select also needs a lift', async () => {
    const { sim, reader, log } = setup();
    await reader.start();
    sim.failNext('select', 0x81);
    sim.place('resident');
    await waitFor('error', () => log.count('error') === 1);
    expect(log.last('error')).toMatchObject({ code: 'select_failed', sw3: 0x81 });
    await sleep(700);
    expect(log.count('card')).toBe(0);
    expect(sim.stats.requests.readTextPhoto ?? 0).toBe(0);
  });

  it('marks the reader faulty on a SAM failure and ready again when it recovers', async () => {
    const { sim, reader, log } = setup();
    await reader.start();
    sim.failNext('find', 0x60);
    await waitFor('faulty', () => reader.health.state === 'faulty');
    expect(reader.health).toMatchObject({ state: 'faulty', code: 'sam_self_test_failed' });
    expect(log.last('error')).toMatchObject({ code: 'sam_self_test_failed', sw3: 0x60 });
    await waitFor('ready', () => reader.health.state === 'ready');
    expect(log.events.filter((e) => e.event === 'health').map((e) => (e.arg as ReaderHealth).state)).toEqual(['ready', 'faulty', 'ready']);
  });

  it('a faulty SAM at start-up shows in health', async () => {
    const { sim, reader } = setup();
    sim.failNext('status', 0x66);
    await reader.start();
    expect(reader.health).toMatchObject({ state: 'faulty', code: 'sam_not_authorised' });
  });

  it('resends once when the reader reports a damaged host frame (SW3 10)', async () => {
    const { sim, reader, log } = setup();
    await reader.start();
    sim.failNext('read', 0x10);
    sim.place('hk-macao-taiwan');
    await waitFor('card', () => log.count('card') === 1);
    expect(sim.stats.requests.readTextPhoto).toBe(2);
    expect(log.count('error')).toBe(0);
    expect(reader.linkStats?.link.resends).toBe(1);
  });

  it('resends after a corrupted answer is dropped, and counts the bad checksum', async () => {
    const { sim, reader, log } = setup();
    await reader.start();
    sim.place('foreign-2023');
    sim.corruptNext(1);
    await waitFor('card', () => log.count('card') === 1);
    expect(reader.linkStats?.parser.badChecksum).toBe(1);
    expect(reader.linkStats?.link.resends).toBe(1);
  });

  it('reads through noise, split and glued answers', async () => {
    // Split into 5-byte writes a turn apart, the read answer takes longer than FAST allows.
    const { sim, reader, log } = setup({ reader: { timeouts: { status: 1000, find: 1000, select: 1000, read: 3000 } } });
    sim.setNoise(true);
    sim.setSplit({ chunkBytes: 5, delayMs: 0 });
    sim.setGlue(true);
    await reader.start();
    sim.place('resident');
    await waitFor('card', () => log.count('card') === 1);
    expect((log.last('card') as CardRecord).kind).toBe('resident');
    const stats = reader.linkStats!;
    expect(stats.parser.badChecksum).toBeGreaterThan(0);
    expect(stats.parser.badLength).toBeGreaterThan(0);
    // Every answer came twice: each duplicate was skipped whole, or purged part-way before the next command.
    expect(stats.link.stale + stats.link.purgedBytes).toBeGreaterThan(0);
    expect(stats.link.resends).toBe(0);
    expect(log.events.filter((e) => e.event === 'error')).toEqual([]);
  });

  it('reports a silent reader as absent once, and ready when it answers again', async () => {
    const { sim, reader, log } = setup();
    await reader.start();
    sim.place('resident');
    await waitFor('card', () => log.count('card') === 1);
    sim.setMuted(true);
    await waitFor('absent', () => reader.health.state === 'absent');
    expect(reader.health).toMatchObject({ state: 'absent', code: 'timeout' });
    expect(log.count('removed')).toBe(1);
    await sleep(800);
    expect(log.events.filter((e) => e.event === 'error').map((e) => (e.arg as CardReaderError).code)).toEqual(['timeout']);
    sim.setMuted(false);
    await waitFor('ready', () => reader.health.state === 'ready');
    await waitFor('card read again', () => log.count('card') === 2);
  });

  it('reports a port that cannot be opened as absent, and opens it once it appears', async () => {
    const { path, reader, log } = setup({ createPort: false });
    await reader.start();
    expect(reader.health).toMatchObject({ state: 'absent', code: 'port_unavailable' });
    expect((log.last('error') as CardReaderError).code).toBe('port_unavailable');
    await sleep(300);
    expect(log.count('error')).toBe(1); // not once per retry
    SerialPortMock.binding.createPort(path, { echo: false, record: false });
    await waitFor('ready', () => reader.health.state === 'ready');
  });

  it('reports an unplugged port as absent, removes the card, and reconnects', async () => {
    const { sim, reader, log, ports } = setup();
    sim.place('resident');
    await reader.start();
    await waitFor('card', () => log.count('card') === 1);
    const unplugged = Object.assign(new Error('device unplugged'), { disconnected: true });
    ports.at(-1)!.close(undefined, unplugged);
    await waitFor('absent', () => reader.health.state === 'absent');
    expect(reader.health).toMatchObject({ state: 'absent', code: 'disconnected' });
    expect(log.count('removed')).toBe(1);
    await waitFor('ready', () => reader.health.state === 'ready');
    expect(ports.length).toBe(2);
  });

  it('installs a site photo decoder', async () => {
    const { sim, reader, log } = setup({
      reader: { photoDecoder: { decode: async (wlt) => ({ mime: 'image/x-test', bytes: wlt.subarray(0, 2) }) } },
    });
    sim.place('resident');
    await reader.start();
    await waitFor('card', () => log.count('card') === 1);
    expect((log.last('card') as CardRecord).photo.decoded?.mime).toBe('image/x-test');
  });

  it('does not crash when nobody listens for errors', async () => {
    const path = `/dev/mock-card-reader-${++n}`;
    const { sim, openPort } = mockReader(path);
    const reader = new SerialCardReader({ path, openPort, ...FAST });
    readers.push(reader);
    await reader.start();
    sim.failNext('read', 0x41);
    sim.place('resident');
    await waitFor('the failed read', () => sim.stats.requests.readTextPhoto === 1);
    await sleep(50);
    expect(reader.health.state).toBe('ready');
  });

  it('stops cleanly: no more requests after stop()', async () => {
    const { sim, reader, ports } = setup();
    await reader.start();
    await sleep(350);
    await reader.stop();
    const finds = sim.stats.requests.findCard;
    await sleep(400);
    expect(sim.stats.requests.findCard).toBe(finds);
    expect(ports.at(-1)!.isOpen).toBe(false);
  });

  it('checks its options in the constructor', () => {
    expect(() => new SerialCardReader({ path: '' })).toThrow(/path/);
    expect(() => new SerialCardReader({ path: '/dev/x', pollIntervalMs: 299 })).toThrow(/pollIntervalMs.*300/);
    expect(() => new SerialCardReader({ path: '/dev/x', timeouts: { read: 0 } })).toThrow(/timeouts.read/);
    expect(() => new SerialCardReader({ path: '/dev/x', resends: -1 })).toThrow(/resends/);
    expect(() => new SerialCardReader({ path: '/dev/x', maxFrameSize: 10 })).toThrow(/maxFrameSize/);
  });
});

describe('ReaderStatusError', () => {
  it('maps every SW3 of the table to its stable code and meaning, and unknown ones to unknown_status', () => {
    for (const [sw3, entry] of Object.entries(STATUS_TABLE)) {
      const e = new ReaderStatusError(Number(sw3), 'findCard');
      expect(e.code).toBe(entry.code);
      expect(e.meaning).toBe(entry.meaning);
      expect(e.message).toContain(Number(sw3).toString(16).toUpperCase().padStart(2, '0'));
      expect(e).toBeInstanceOf(CardReaderError);
    }
    expect(new ReaderStatusError(0x55, 'findCard').code).toBe('unknown_status');
  });
});

describe('readCardOnce', () => {
  it('returns the decoded record of the first card', async () => {
    const path = `/dev/mock-card-reader-${++n}`;
    const { sim, openPort } = mockReader(path);
    sim.place('resident-long-term');
    const card = await readCardOnce({ port: path, timeoutMs: 3000, openPort });
    expect(card.kind).toBe('resident');
    expect(card.validTo).toBe('long-term');
  });

  it('throws no_card_in_time when no card comes', async () => {
    const path = `/dev/mock-card-reader-${++n}`;
    const { openPort } = mockReader(path);
    await expect(readCardOnce({ port: path, timeoutMs: 700, openPort })).rejects.toMatchObject({ code: 'no_card_in_time' });
  });

  it('throws port_unavailable when the port does not exist', async () => {
    const path = `/dev/mock-card-reader-${++n}`;
    const { openPort } = mockReader(path, { createPort: false });
    await expect(readCardOnce({ port: path, timeoutMs: 2000, openPort })).rejects.toMatchObject({ code: 'port_unavailable' });
  });

  it('throws the typed status error of a failed read', async () => {
    const path = `/dev/mock-card-reader-${++n}`;
    const { sim, openPort } = mockReader(path);
    sim.failNext('read', 0x32);
    sim.place('resident');
    const err = await readCardOnce({ port: path, timeoutMs: 3000, openPort }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReaderStatusError);
    expect(err).toMatchObject({ code: 'sam_rejected_card', sw3: 0x32 });
  });
});
