// Serial port listing and stable-name resolution on fake /dev and /sys trees, and the
// DeviceSupervisor's reopen-with-back-off and health under fake timers.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { listSerialPorts, readByIdLinks, resolveSerialPort } from '../../../drivers/supervision/serial-ports.js';
import { DeviceSupervisor, describeOpenError, type ConnectionReport, type DeviceHealth, type RetryScheduled } from '../../../drivers/supervision/supervisor.js';
import { addUsbSerial, makeTree, type DeviceTree } from './device-trees.js';

const READER_ID = 'usb-1a86_USB_Serial-if00-port0';
const SCANNER_ID = 'usb-Honeywell_Imaging___Mobility_1950g_19224B0E5D-if00';

describe('serial ports on a fake /dev', () => {
  let tree: DeviceTree;
  beforeEach(() => {
    tree = makeTree();
    addUsbSerial(tree, { tty: 'ttyUSB0', byId: [READER_ID], usb: { vendor: '1a86', product: '7523', manufacturer: 'QinHeng' } });
    addUsbSerial(tree, { tty: 'ttyACM0', byId: [SCANNER_ID], usb: { vendor: '0C2E', product: '0B61', manufacturer: 'Honeywell', serial: '19224B0E5D' } });
  });
  afterEach(() => tree.remove());

  it('reads the by-id links as /dev paths, whatever the tree’s location', async () => {
    expect(await readByIdLinks(tree.dev)).toEqual([
      { name: `/dev/serial/by-id/${READER_ID}`, target: '/dev/ttyUSB0' },
      { name: `/dev/serial/by-id/${SCANNER_ID}`, target: '/dev/ttyACM0' },
    ]);
  });

  it('resolves a configured by-id name to the tty it points to now', async () => {
    expect(await resolveSerialPort(`/dev/serial/by-id/${READER_ID}`, { devRoot: tree.dev })).toEqual({
      configured: `/dev/serial/by-id/${READER_ID}`,
      path: '/dev/ttyUSB0',
    });
  });

  it('a name not plugged in is absent, and the check lists what is plugged in', async () => {
    const r = await resolveSerialPort('/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0', { devRoot: tree.dev });
    expect(r.path).toBeUndefined();
    expect(r.problem?.state).toBe('absent');
    expect(r.problem?.why).toBe('/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0 not found');
    expect(r.problem?.check).toContain(`/dev/serial/by-id/${READER_ID}`);
    expect(r.problem?.check).toContain(`/dev/serial/by-id/${SCANNER_ID}`);
  });

  it('a link whose device is gone (unplugged mid-way) says where it pointed', async () => {
    rmSync(join(tree.dev, 'ttyUSB0'));
    const r = await resolveSerialPort(`/dev/serial/by-id/${READER_ID}`, { devRoot: tree.dev });
    expect(r.problem).toMatchObject({ state: 'absent', why: `/dev/serial/by-id/${READER_ID} points to /dev/ttyUSB0, which is gone` });
  });

  it('a plain /dev/ttyUSBn works but comes with advice to use the stable name', async () => {
    const r = await resolveSerialPort('/dev/ttyUSB0', { devRoot: tree.dev });
    expect(r.path).toBe('/dev/ttyUSB0');
    expect(r.problem).toBeUndefined();
    expect(r.advice).toMatch(/\/dev\/serial\/by-id/);
  });

  it('a missing udev symlink name points at the udev rules', async () => {
    const r = await resolveSerialPort('/dev/verikiosk-card-reader', { devRoot: tree.dev });
    expect(r.problem?.check).toMatch(/99-verikiosk\.rules/);
  });

  it('lists through the port lister (udev), adding every by-id name of each port and any port udev missed', async () => {
    const listing = await listSerialPorts({
      devRoot: tree.dev,
      listPorts: async () => [
        { path: '/dev/ttyUSB0', manufacturer: 'QinHeng Electronics', serialNumber: undefined, pnpId: READER_ID, locationId: undefined, vendorId: '1a86', productId: '7523' },
        { path: '/dev/ttyAMA0', manufacturer: undefined, serialNumber: undefined, pnpId: undefined, locationId: undefined, vendorId: undefined, productId: undefined },
      ],
    });
    expect(listing.source).toBe('udev');
    expect(listing.notice).toBeUndefined();
    expect(listing.ports).toEqual([
      { path: '/dev/ttyUSB0', byId: [`/dev/serial/by-id/${READER_ID}`], vendorId: '1a86', productId: '7523', manufacturer: 'QinHeng Electronics' },
      { path: '/dev/ttyAMA0', byId: [] },
      // Not in udev's answer, but it has a stable name: still listed.
      { path: '/dev/ttyACM0', byId: [`/dev/serial/by-id/${SCANNER_ID}`] },
    ]);
  });

  it('when udev listing fails, falls back to /dev and sysfs, and says so', async () => {
    const listing = await listSerialPorts({
      devRoot: tree.dev,
      sysfsRoot: tree.sys,
      listPorts: () => Promise.reject(Object.assign(new Error('spawn udevadm ENOENT'), { code: 'ENOENT' })),
    });
    expect(listing.source).toBe('dev');
    expect(listing.notice).toMatch(/spawn udevadm ENOENT.*listed from \/dev and sysfs instead/);
    expect(listing.ports).toEqual([
      { path: '/dev/ttyACM0', byId: [`/dev/serial/by-id/${SCANNER_ID}`], vendorId: '0c2e', productId: '0b61', manufacturer: 'Honeywell', serialNumber: '19224B0E5D' },
      { path: '/dev/ttyUSB0', byId: [`/dev/serial/by-id/${READER_ID}`], vendorId: '1a86', productId: '7523', manufacturer: 'QinHeng' },
    ]);
  });

  it('an empty machine lists nothing and resolves nothing, without throwing', async () => {
    const empty = makeTree();
    try {
      const listing = await listSerialPorts({ devRoot: empty.dev, sysfsRoot: empty.sys, listPorts: () => Promise.reject(new Error('no udevadm')) });
      expect(listing.ports).toEqual([]);
      const r = await resolveSerialPort(`/dev/serial/by-id/${READER_ID}`, { devRoot: empty.dev });
      expect(r.problem?.check).toMatch(/no USB serial device is plugged in/);
    } finally {
      empty.remove();
    }
  });
});

describe('describeOpenError', () => {
  it.each([
    [Object.assign(new Error("Error: No such file or directory, cannot open /dev/ttyUSB0"), {}), 'absent', /no device at \/dev\/ttyUSB0/],
    [Object.assign(new Error('open failed'), { code: 'ENOENT' }), 'absent', /no device/],
    [new Error('Error: Permission denied, cannot open /dev/ttyUSB0'), 'faulty', /dialout group/],
    [new Error('Error Resource temporarily unavailable Cannot lock port'), 'faulty', /in use by another program/],
    [new Error('Error: Input/output error setting custom baud rate'), 'faulty', /Input\/output error/],
  ])('%s → %s', (err, state, why) => {
    const h = describeOpenError('/dev/ttyUSB0', err);
    expect(h.state).toBe(state);
    expect(h.state !== 'ready' && h.why).toMatch(why);
  });
});

describe('DeviceSupervisor', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A device that can be plugged in and out; connect fails while it is out. */
  function device() {
    const d = {
      plugged: false,
      opens: 0,
      closes: 0,
      report: undefined as ConnectionReport | undefined,
      connect: async (report: ConnectionReport) => {
        d.opens++;
        if (!d.plugged) throw Object.assign(new Error('Error: No such file or directory, cannot open /dev/ttyACM0'), {});
        d.report = report;
        return () => {
          d.closes++;
        };
      },
    };
    return d;
  }

  function watch(s: DeviceSupervisor): { health: DeviceHealth[]; retries: RetryScheduled[] } {
    const seen = { health: [] as DeviceHealth[], retries: [] as RetryScheduled[] };
    s.on('health', (h) => seen.health.push(h));
    s.on('retry', (r) => seen.retries.push(r));
    return seen;
  }

  it('ready when the device opens; absent, then reopened with doubling back-off, after an unplug', async () => {
    const d = device();
    d.plugged = true;
    const s = new DeviceSupervisor({ name: 'QR scanner', connect: d.connect, backOff: { firstMs: 100, maxMs: 1000, jitter: 0 } });
    const seen = watch(s);
    await s.start();
    expect(s.health).toEqual({ state: 'ready' });
    d.plugged = false;
    d.report!.lost({ state: 'absent', why: 'disconnected: EIO' });
    expect(d.closes).toBe(1);
    expect(s.health).toEqual({ state: 'absent', why: 'disconnected: EIO' });
    await vi.advanceTimersByTimeAsync(100 + 200 + 400 + 800 + 1000 + 1000);
    expect(seen.retries.map((r) => r.delayMs)).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
    expect(s.health).toEqual({ state: 'absent', why: 'QR scanner not found' });
    d.plugged = true;
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.health).toEqual({ state: 'ready' });
    expect(seen.health.map((h) => h.state)).toEqual(['ready', 'absent', 'absent', 'ready']);
    await s.stop();
  });

  it('jitter takes up to its fraction off each delay, never above the cap', async () => {
    const d = device();
    const draws = [0.5, 1 - 1e-9, 0, 0.25];
    const s = new DeviceSupervisor({ name: 'card reader', connect: d.connect, backOff: { firstMs: 1000, maxMs: 3000, jitter: 0.2 }, random: () => draws.shift() ?? 0 });
    const seen = watch(s);
    await s.start();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(seen.retries.slice(0, 4).map((r) => r.delayMs)).toEqual([900, 1600, 3000, 2850]);
    expect(seen.retries.every((r) => r.delayMs <= 3000)).toBe(true);
    await s.stop();
  });

  it('a connection that stayed up for stableMs retries from firstMs; a flapping one keeps backing off', async () => {
    const d = device();
    d.plugged = true;
    const s = new DeviceSupervisor({ name: 'QR scanner', connect: d.connect, backOff: { firstMs: 100, maxMs: 10_000, jitter: 0 }, stableMs: 5000 });
    const seen = watch(s);
    await s.start();
    // Flapping: lost right after each open.
    for (let i = 0; i < 3; i++) {
      d.report!.lost({ state: 'absent', why: 'flap' });
      await vi.advanceTimersByTimeAsync(seen.retries.at(-1)!.delayMs);
    }
    expect(seen.retries.map((r) => r.delayMs)).toEqual([100, 200, 400]);
    await vi.advanceTimersByTimeAsync(6000);
    d.report!.lost({ state: 'absent', why: 'unplugged after a long while' });
    expect(seen.retries.at(-1)!.delayMs).toBe(100);
    await s.stop();
  });

  it('reports from the device while connected pass through; "ready" is not forced over them', async () => {
    const s = new DeviceSupervisor({
      name: 'card reader',
      connect: async (report) => {
        report.report({ state: 'faulty', why: 'SAM module status 0x60' });
        return () => undefined;
      },
    });
    await s.start();
    expect(s.health).toEqual({ state: 'faulty', why: 'SAM module status 0x60' });
    expect(s.connected).toBe(true);
    await s.stop();
  });

  it('a device lost while still opening is closed and retried, never reported ready', async () => {
    let closes = 0;
    let opens = 0;
    const s = new DeviceSupervisor({
      name: 'QR scanner',
      backOff: { firstMs: 50, jitter: 0 },
      connect: async (report) => {
        opens++;
        if (opens === 1) report.lost({ state: 'absent', why: 'gone during open' });
        return () => void closes++;
      },
    });
    const seen = watch(s);
    await s.start();
    expect(closes).toBe(1);
    expect(s.health).toEqual({ state: 'absent', why: 'gone during open' });
    await vi.advanceTimersByTimeAsync(50);
    expect(s.health).toEqual({ state: 'ready' });
    expect(seen.health.map((h) => h.state)).toEqual(['absent', 'ready']);
    await s.stop();
  });

  it('stop() cancels the pending reopen and closes the device; late reports are ignored', async () => {
    const d = device();
    d.plugged = true;
    const s = new DeviceSupervisor({ name: 'QR scanner', connect: d.connect, backOff: { firstMs: 100, jitter: 0 } });
    await s.start();
    const stale = d.report!;
    await s.stop();
    expect(d.closes).toBe(1);
    expect(s.health).toEqual({ state: 'absent', why: 'stopped' });
    stale.lost({ state: 'absent', why: 'late' });
    stale.report({ state: 'faulty', why: 'late' });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(d.opens).toBe(1);
    expect(s.health).toEqual({ state: 'absent', why: 'stopped' });
  });

  it('retryNow() skips the back-off wait (a udev "add" event)', async () => {
    const d = device();
    const s = new DeviceSupervisor({ name: 'QR scanner', connect: d.connect, backOff: { firstMs: 30_000, jitter: 0 } });
    await s.start();
    expect(s.health.state).toBe('absent');
    d.plugged = true;
    await s.retryNow();
    expect(s.health).toEqual({ state: 'ready' });
    await s.stop();
  });

  it('uses the device’s own wording for open errors', async () => {
    const s = new DeviceSupervisor({
      name: 'QR scanner',
      connect: () => Promise.reject(new Error('Error: Permission denied, cannot open /dev/ttyACM0')),
      describeError: (err) => describeOpenError('/dev/serial/by-id/x', err),
    });
    await s.start();
    expect(s.health).toMatchObject({ state: 'faulty', why: expect.stringMatching(/^permission denied on \/dev\/serial\/by-id\/x: add the kiosk user to the dialout group/) });
    await s.stop();
  });

  it('refuses bad options, naming them', () => {
    const connect = async () => () => undefined;
    expect(() => new DeviceSupervisor({ name: '', connect })).toThrow(/"name"/);
    expect(() => new DeviceSupervisor({ name: 'x', connect, backOff: { firstMs: 0 } })).toThrow(/backOff\.firstMs/);
    expect(() => new DeviceSupervisor({ name: 'x', connect, backOff: { firstMs: 10, maxMs: 5 } })).toThrow(/backOff\.maxMs/);
    expect(() => new DeviceSupervisor({ name: 'x', connect, backOff: { jitter: 1 } })).toThrow(/backOff\.jitter/);
  });
});
