// FakeQrScanner: the twin keeps the real driver's asynchronous events, length bound and health.
import { describe, expect, it } from 'vitest';
import { FakeQrScanner } from '../../../../drivers/qr-scanner/fake.js';
import type { QrScan, QrScanner, QrScannerHealth } from '../../../../drivers/qr-scanner/scanner.js';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('FakeQrScanner', () => {
  it('is a QrScanner that becomes ready on start and delivers scans asynchronously', async () => {
    const fake = new FakeQrScanner({ now: () => 42 });
    const scanner: QrScanner = fake;
    const health: QrScannerHealth[] = [];
    scanner.on('health', (h) => health.push(h));
    expect(scanner.health).toEqual({ state: 'absent', why: 'not started' });
    await scanner.start();
    expect(health).toEqual([{ state: 'ready' }]);

    const scans: QrScan[] = [];
    scanner.on('scan', (s) => scans.push(s));
    fake.scan('EID1:AAA');
    expect(scans).toEqual([]); // never synchronously, like bytes off a wire
    await turn();
    expect(scans).toEqual([{ text: 'EID1:AAA', at: 42 }]);
  });

  it('drops a code over the length bound with a counted too_long event', async () => {
    const fake = new FakeQrScanner();
    await fake.start();
    const events: string[] = [];
    fake.on('scan', (s) => events.push(`scan ${s.text.length}`));
    fake.on('too_long', (e) => events.push(`too_long ${e.dropped}`));
    fake.scan('A'.repeat(4296));
    fake.scan('A'.repeat(4297));
    fake.scan('B'.repeat(5000));
    await turn();
    expect(events).toEqual(['scan 4296', 'too_long 1', 'too_long 2']);
  });

  it('unplug() makes it absent and swallows a scan already in flight; replug() makes it ready', async () => {
    const fake = new FakeQrScanner();
    await fake.start();
    const scans: QrScan[] = [];
    fake.on('scan', (s) => scans.push(s));
    fake.scan('EID1:LOST');
    fake.unplug();
    await turn();
    expect(scans).toEqual([]);
    expect(fake.health).toEqual({ state: 'absent', why: 'unplugged' });
    expect(() => fake.scan('EID1:X')).toThrow(/unplugged; call replug\(\)/);
    fake.replug();
    await turn();
    expect(fake.health).toEqual({ state: 'ready' });
    fake.scan('EID1:BACK');
    await turn();
    expect(scans.map((s) => s.text)).toEqual(['EID1:BACK']);
  });

  it('starts absent when created unplugged; stop() reports absent (stopped)', async () => {
    const fake = new FakeQrScanner({ plugged: false });
    await fake.start();
    expect(fake.health).toEqual({ state: 'absent', why: 'unplugged' });
    fake.replug();
    await turn();
    expect(fake.health.state).toBe('ready');
    await fake.stop();
    expect(fake.health).toEqual({ state: 'absent', why: 'stopped' });
  });

  it('says how to fix a wrong use', () => {
    const fake = new FakeQrScanner();
    expect(() => fake.scan('EID1:X')).toThrow(/not started; call start\(\) first/);
    expect(() => fake.scan('')).toThrow(/non-empty string/);
    expect(() => new FakeQrScanner({ maxLength: 0 })).toThrow(/"maxLength"/);
  });
});
