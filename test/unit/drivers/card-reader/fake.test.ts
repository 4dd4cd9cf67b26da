import { afterEach, describe, expect, it } from 'vitest';
import { FakeCardReader } from '../../../../drivers/card-reader/fake.js';
import type { CardReader } from '../../../../drivers/card-reader/reader.js';
import { decodeCard, type CardRecord } from '../../../../drivers/card-reader/text.js';
import { CARDS } from '../../../../tools/sim/card-reader/fixtures.js';
import { recordEvents, sleep, waitFor } from './mock-reader.js';

const record: CardRecord = decodeCard(CARDS.resident!.text, CARDS.resident!.photo);
let readers: FakeCardReader[] = [];
afterEach(async () => {
  await Promise.all(readers.map((r) => r.stop()));
  readers = [];
});

function fake() {
  const reader = new FakeCardReader();
  readers.push(reader);
  const asInterface: CardReader = reader; // the twin fits the same interface
  return { reader, log: recordEvents(asInterface) };
}

describe('FakeCardReader', () => {
  it('emits the placed card asynchronously, once, and removed after lift', async () => {
    const { reader, log } = fake();
    await reader.start();
    expect(reader.health).toEqual({ state: 'ready' });
    reader.present(record);
    expect(log.count('card')).toBe(0); // never synchronous
    await waitFor('card', () => log.count('card') === 1);
    expect(log.last('card')).toBe(record);
    await sleep(700);
    expect(log.count('card')).toBe(1);
    reader.lift();
    await waitFor('removed', () => log.count('removed') === 1);
  });

  it('keeps the real reader’s lift-after-failure rule', async () => {
    const { reader, log } = fake();
    await reader.start();
    reader.present(record, { failWith: 0x41 });
    await waitFor('error', () => log.count('error') === 1);
    expect(log.last('error')).toMatchObject({ code: 'read_failed', sw3: 0x41 });
    await sleep(700);
    expect(log.count('card')).toBe(0);
    reader.lift();
    await sleep(350);
    reader.present(record);
    await waitFor('card', () => log.count('card') === 1);
    expect(log.count('removed')).toBe(0);
  });

  it('goes absent when unplugged (removing a read card) and ready when plugged back', async () => {
    const { reader, log } = fake();
    await reader.start();
    reader.present(record);
    await waitFor('card', () => log.count('card') === 1);
    reader.unplug();
    await waitFor('absent', () => reader.health.state === 'absent');
    expect(reader.health).toMatchObject({ code: 'disconnected' });
    expect(log.count('removed')).toBe(1);
    expect(log.last('error')).toMatchObject({ code: 'disconnected' });
    reader.plug();
    await waitFor('ready', () => reader.health.state === 'ready');
  });

  it('says how to fix a wrong call sequence', () => {
    const { reader } = fake();
    expect(() => reader.lift()).toThrow(/present\(record\) first/);
    reader.present(record);
    expect(() => reader.present(record)).toThrow(/lift\(\) first/);
  });
});
